// Getting the attention of a person who is not watching: when the robot asks for help the whole
// window's border flashes (CSS class on the root for ALERT_MS) and a short beep plays (WebAudio).
// The banner says the same in words. A beep that cannot play (no audio device, autoplay blocked
// before the first click) is skipped silently; the flash still shows.

export const ALERT_MS = 1500;

let audio: AudioContext | null = null;

/** An 880 Hz beep of 150 ms; false when audio is unavailable. */
export function beep(): boolean {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.15;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.15);
    return true;
  } catch {
    return false;
  }
}

/** Flashes the border of `root` and beeps; returns a function that clears the flash early. */
export function alertForHelp(root: HTMLElement): () => void {
  root.classList.remove('help-flash');
  // Restart the animation when requests come in quick succession.
  void root.offsetWidth;
  root.classList.add('help-flash');
  beep();
  const timer = setTimeout(() => root.classList.remove('help-flash'), ALERT_MS);
  return () => {
    clearTimeout(timer);
    root.classList.remove('help-flash');
  };
}
