/**
 * The running sound jobs: {@link JobRunner}s over the sound reducer, one per command (`speak`,
 * `generate_hits`, `make_beat`, `mix_audio`), so each section runs one job at a time and a new
 * one supersedes the last ("latest wins").
 */
import type { GenerateHitsRequest, JobEvent, JobId, MakeBeatRequest, MixRequest, SpeakRequest, StudioIpc } from '../ipc';
import { initialAudioJobState, reduceAudioJob, type AudioJobAction, type AudioJobState } from './audioJobState';
import { JobRunner } from './jobRunner.svelte';

export type AudioIpc = Pick<StudioIpc, 'speak' | 'generateHits' | 'makeBeat' | 'mixAudio' | 'cancelJob'>;

export class AudioJob<R> extends JobRunner<AudioJobState<R>, AudioJobAction<R>, R> {
  constructor(start: (request: R, onEvent: (event: JobEvent) => void) => Promise<JobId>, cancel: (jobId: JobId) => Promise<boolean>) {
    super({
      initial: initialAudioJobState<R>(),
      reduce: reduceAudioJob,
      submitted: (seq, request) => ({ type: 'submitted', seq, request }),
      start,
      cancel,
    });
  }
}

export type SpeakJob = AudioJob<SpeakRequest>;
export type HitsJob = AudioJob<GenerateHitsRequest>;
export type BeatJob = AudioJob<MakeBeatRequest>;
export type MixJob = AudioJob<MixRequest>;

/** The four sound jobs of the studio. */
export interface AudioJobs {
  speak: SpeakJob;
  hits: HitsJob;
  beat: BeatJob;
  mix: MixJob;
}

export function audioJobs(ipc: AudioIpc): AudioJobs {
  const cancel = (jobId: JobId) => ipc.cancelJob(jobId);
  return {
    speak: new AudioJob<SpeakRequest>((request, onEvent) => ipc.speak(request, onEvent), cancel),
    hits: new AudioJob<GenerateHitsRequest>((request, onEvent) => ipc.generateHits(request, onEvent), cancel),
    beat: new AudioJob<MakeBeatRequest>((request, onEvent) => ipc.makeBeat(request, onEvent), cancel),
    mix: new AudioJob<MixRequest>((request, onEvent) => ipc.mixAudio(request, onEvent), cancel),
  };
}
