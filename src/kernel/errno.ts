/** errno values the API returns (negated, as in the kernel; include/uapi/asm-generic/errno-base.h). */
export const EINVAL = 22;
export const EIO = 5;
export const ENODEV = 19;
export const ENOSYS = 38;
export const ENXIO = 6;
export const EPERM = 1;
export const EBUSY = 16;
export const ENOMEM = 12;
export const EPROBE_DEFER = 517;

export const INT_MAX = 0x7fffffff;
