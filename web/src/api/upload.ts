import { ApiError, apiErrorFrom, client } from './client.ts';

/**
 * Sends a file as the raw request body (the server answers JSON), reporting upload progress.
 * fetch() cannot report upload progress, so this one request uses XMLHttpRequest; it throws
 * the same ApiError as the request client (with the body's `data`) and sends the same CSRF token.
 */
export function uploadFile<T>(path: string, file: Blob, contentType: string, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    if (client.csrfToken) xhr.setRequestHeader('x-csrf-token', client.csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'cannot reach the server; check the connection and retry'));
    xhr.onload = () => {
      let json: unknown;
      try {
        json = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        json = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300 && json !== undefined) return resolve(json as T);
      reject(apiErrorFrom(xhr.status, json, `upload failed with HTTP ${xhr.status}`));
    };
    xhr.send(file);
  });
}
