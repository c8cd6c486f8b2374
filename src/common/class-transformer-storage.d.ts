/**
 * class-transformer keeps its @Type() metadata in this module (the one its own index requires) and does
 * not export it from the package root; NestJS's mapped-types reads it the same way.
 */
declare module 'class-transformer/cjs/storage.js' {
  export const defaultMetadataStorage: {
    findTypeMetadata(target: Function, propertyName: string): { typeFunction: (options?: unknown) => Function } | undefined;
  };
}
