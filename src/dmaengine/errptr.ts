/** ERR_PTR, IS_ERR, PTR_ERR: the kernel's way of returning an errno where a pointer is expected. */
export class ErrPtr {
  constructor(readonly errno: number) {}
}

export function ERR_PTR(errno: number): ErrPtr {
  return new ErrPtr(errno);
}

export function IS_ERR<T>(value: T | ErrPtr): value is ErrPtr {
  return value instanceof ErrPtr;
}

export function PTR_ERR(value: ErrPtr): number {
  return value.errno;
}
