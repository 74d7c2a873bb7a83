/**
 * The studio's tools, in rail order; each picks the right-hand panel. Audio is upcoming: shown,
 * not faked.
 */
import type { IconName } from './components/icons';

export type ToolId = 'image' | 'restyle' | 'write' | 'canvas' | 'audio';

export interface Tool {
  id: ToolId;
  label: string;
  icon: IconName;
  available: boolean;
}

export const TOOLS: readonly Tool[] = [
  { id: 'image', label: 'Image', icon: 'image', available: true },
  { id: 'restyle', label: 'Restyle', icon: 'restyle', available: true },
  { id: 'write', label: 'Write', icon: 'write', available: true },
  { id: 'canvas', label: 'Layers', icon: 'layers', available: true },
  { id: 'audio', label: 'Audio', icon: 'audio', available: false },
];
