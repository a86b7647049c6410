// Values kept for the browser tab's session: the API key (sent as a Bearer token) and the stego key
// (shared by the encode and decode views). sessionStorage survives a reload, which resume needs.

export const API_KEY_ITEM = 'inferencia.apiKey';
export const STEGO_KEY_ITEM = 'inferencia.stegoKey';

export function readSetting(item: string): string {
  try {
    return sessionStorage.getItem(item) ?? '';
  } catch {
    return ''; // storage disabled: the field still works for this page
  }
}

export function writeSetting(item: string, value: string): void {
  try {
    if (value) sessionStorage.setItem(item, value);
    else sessionStorage.removeItem(item);
  } catch {
    // storage disabled
  }
}
