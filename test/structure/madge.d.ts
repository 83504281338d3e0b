// The part of madge's API the structure test uses (madge ships no types).

declare module 'madge' {
  interface MadgeResult {
    /** Each cycle as the list of files on it, relative to baseDir. */
    circular(): string[][];
  }
  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    tsConfig?: string;
    detectiveOptions?: Record<string, Record<string, unknown>>;
  }
  /** Builds the dependency graph of the given files and folders. */
  export default function madge(paths: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
}
