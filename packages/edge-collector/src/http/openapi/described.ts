import type { z } from 'zod';

/**
 * `schema` with descriptions on the fields named, for the document's readers: the same field
 * schemas and the same refinements (`safeExtend` keeps them), so what is shown is what the route
 * validates. The comments in packages/schema are for readers of the code.
 */
export function described<T extends z.ZodObject>(
  schema: T,
  descriptions: Partial<Record<keyof T['shape'] & string, string>>,
): T {
  const shape = Object.fromEntries(
    Object.entries(descriptions).map(([key, description]) => {
      const field = schema.shape[key] as z.ZodType | undefined;
      if (!field) throw new Error(`No field ${key} to describe.`);
      return [key, field.meta({ description: description as string })];
    }),
  );
  return schema.safeExtend(shape) as unknown as T;
}
