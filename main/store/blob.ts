/**
 * The SQLCipher binding's types accept only ArrayBuffer-backed arrays. Entente's byte arrays come from
 * libsodium, Buffer or `new Uint8Array`, which all are; checking instead of copying avoids leaving an
 * extra, unwiped copy of a secret key in memory.
 */
export function asBlob(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (!(bytes.buffer instanceof ArrayBuffer)) throw new Error('a database blob must be backed by an ArrayBuffer');
  return bytes as Uint8Array<ArrayBuffer>;
}
