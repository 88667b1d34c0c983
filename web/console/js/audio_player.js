// The voice-message player: play/pause, a seek bar, volume and the playback
// speeds of seed 002 (0.75 to 2.0), on an <audio> element without native
// controls so that every control is a labelled, keyboard-usable input.
import {formatDuration} from './format.js';

export class AudioPlayer {
  constructor(root) {
    this.audio = root.querySelector('audio');
    this.toggle = root.querySelector('#player-toggle');
    this.seek = root.querySelector('#player-seek');
    this.time = root.querySelector('#player-time');
    this.volume = root.querySelector('#player-volume');
    this.speed = root.querySelector('#player-speed');
    this.url = null;

    this.toggle.addEventListener('click', () => this.playPause());
    this.seek.addEventListener('input', () => {
      this.audio.currentTime = Number(this.seek.value);
      this.render();
    });
    this.volume.addEventListener('input', () => { this.audio.volume = Number(this.volume.value); });
    this.speed.addEventListener('change', () => { this.audio.playbackRate = Number(this.speed.value); });
    this.audio.addEventListener('loadedmetadata', () => {
      this.seek.max = String(this.duration());
      this.seek.disabled = false;
      this.toggle.disabled = false;
      this.render();
    });
    for (const type of ['timeupdate', 'play', 'pause', 'ended', 'seeked']) {
      this.audio.addEventListener(type, () => this.render());
    }
    // A new source resets the rate to its default; keep the chosen speed.
    this.audio.addEventListener('loadeddata', () => { this.audio.playbackRate = Number(this.speed.value); });
  }

  duration() {
    return Number.isFinite(this.audio.duration) ? this.audio.duration : 0;
  }

  load(blob) {
    this.unload();
    this.url = URL.createObjectURL(blob);
    this.audio.src = this.url;
    this.audio.playbackRate = Number(this.speed.value);
    this.audio.volume = Number(this.volume.value);
  }

  unload() {
    this.audio.pause();
    this.audio.removeAttribute('src');
    this.audio.load();
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.toggle.disabled = true;
    this.seek.disabled = true;
    this.seek.value = '0';
    this.seek.max = '0';
    this.render();
  }

  async playPause() {
    if (this.audio.paused) {
      try {
        await this.audio.play();
      } catch {
        // No audio output (or interrupted by pause): the controls stay usable.
      }
    } else {
      this.audio.pause();
    }
    this.render();
  }

  render() {
    const playing = !this.audio.paused && !this.audio.ended;
    this.toggle.setAttribute('aria-label', playing ? 'Pause' : 'Play');
    this.toggle.classList.toggle('playing', playing);
    const text = `${formatDuration(this.audio.currentTime * 1000)} / ${formatDuration(this.duration() * 1000)}`;
    this.time.textContent = text;
    this.seek.value = String(this.audio.currentTime);
    this.seek.setAttribute('aria-valuetext', text.replace(' / ', ' of '));
  }
}
