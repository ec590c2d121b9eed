/** The largest base64 the import call accepts (shared/api/session-schemas.ts ImportFileInput). */
const MAX_BASE64 = 1_400_000;
export const MAX_IMPORT_FILES = 32;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument list within engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export type PickedFile = { name: string; data: string } | { name: string; tooLarge: true };

/** Reads picked files as the import call wants them; a file too large is reported, not sent. */
export async function readPicked(files: readonly File[]): Promise<PickedFile[]> {
  return Promise.all(
    files.map(async (file): Promise<PickedFile> => {
      if (Math.ceil(file.size / 3) * 4 > MAX_BASE64) return { name: file.name, tooLarge: true };
      return { name: file.name, data: toBase64(new Uint8Array(await file.arrayBuffer())) };
    }),
  );
}
