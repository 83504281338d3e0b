// A Node module resolution hook for the CLI: the bare specifier 'vmapc' resolves to the CLI's own vmapc.
let index;

export function initialize(data) {
  index = data.index;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'vmapc') return { url: index, format: 'module', shortCircuit: true };
  return next(specifier, context);
}
