// Simulated speaker: records what would have been said (tests, demos) instead of speaking.
import type { SpeechOutput } from '../speaker/speech.js';

export interface SpokenUtterance {
  text: string;
  lang: string;
  at: Date;
}

export class SimSpeaker implements SpeechOutput {
  readonly spoken: SpokenUtterance[] = [];

  /** `durationMs`: how long each utterance "takes", to exercise queueing. */
  constructor(private readonly durationMs = 0) {}

  async speak(text: string, lang: string): Promise<void> {
    if (this.durationMs > 0) await new Promise((resolve) => setTimeout(resolve, this.durationMs));
    this.spoken.push({ text, lang, at: new Date() });
  }

  cancel(): void {}
}
