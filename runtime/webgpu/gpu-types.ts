// WebGPU types in vmapc's public declarations, resolved without requiring WebGPU's ambient types in a user's program.

/**
 * A WebGPU device (`GPUDevice`, from `navigator.gpu` or Dawn). In a program that has WebGPU's types
 * (`@webgpu/types`, or a DOM library that declares them) this is exactly `GPUDevice`; in one that
 * has not, any object, so vmapc's declarations type-check without them.
 */
export type GpuDevice = typeof globalThis extends {
  /** The GPUDevice class, where WebGPU's types declare it. */
  GPUDevice: {
    /** The type of its instances. */
    prototype: infer D;
  };
}
  ? D
  : object;

/** A device's limits (`GPUSupportedLimits` where WebGPU's types are present; else a record of numbers). */
export type GpuLimits = typeof globalThis extends {
  /** The GPUSupportedLimits class, where WebGPU's types declare it. */
  GPUSupportedLimits: {
    /** The type of its instances. */
    prototype: infer L;
  };
}
  ? L
  : { readonly [limit: string]: number | undefined };
