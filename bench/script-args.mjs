// The command line of the bench's standalone scripts: `--name value` options taken out of it,
// what is left is the positional arguments (the trees).
export function scriptArgs(argv = process.argv.slice(2)) {
  const args = [...argv];
  return {
    /** The value after `name`, removed from the arguments; `fallback` when absent. */
    option(name, fallback) {
      const i = args.indexOf(name);
      if (i < 0) return fallback;
      const [value] = args.splice(i, 2).slice(1);
      return value;
    },
    /** What is left once the options are taken. */
    rest: () => args,
  };
}
