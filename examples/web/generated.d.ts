// Types of the modules the demo's build step generates (resolved by Vite's alias `demo-generated/` to its work folder).

declare module 'demo-generated/model/browser.js' {
  /** The ensemble as the package's browser.js loads it: x is one 28x28 digit, the result every member's 10 class probabilities. */
  export interface DigitEnsemble {
    readonly target: string;
    readonly device: string;
    run(inputs: { readonly x: Float32Array }): Promise<Float32Array>;
    destroy(): void;
  }
  export function load(options?: object): Promise<DigitEnsemble>;
}

declare module 'demo-generated/data.js' {
  /** A DemoData (examples/web/demo-data.ts). */
  const data: unknown;
  export default data;
}
