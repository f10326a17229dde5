import { fileURLToPath, pathToFileURL } from 'node:url';

/** The path secpol reads and reports for a document: the file's path for file: URIs, else the URI itself. */
export function pathOfUri(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function uriOfPath(path: string): string {
  return path.startsWith('/') ? pathToFileURL(path).href : path;
}
