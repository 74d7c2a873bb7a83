/**
 * The studio's tools, in rail order; each picks the right-hand panel. A tool not `available` is
 * shown as upcoming, not faked.
 */
import type { IconName } from './components/icons';

export type ToolId = 'image' | 'restyle' | 'write' | 'voice' | 'sound' | 'canvas';

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
  { id: 'voice', label: 'Voice', icon: 'voice', available: true },
  { id: 'sound', label: 'Sound', icon: 'audio', available: true },
  { id: 'canvas', label: 'Layers', icon: 'layers', available: true },
];
