/** The names of the line icons drawn by Icon.svelte. */
export type IconName =
  | 'image'
  | 'write'
  | 'canvas'
  | 'audio'
  | 'dice'
  | 'sparkles'
  | 'stop'
  | 'alert'
  | 'check'
  | 'logo'
  | 'face';
