// The voice-message player: play/pause, rewind and fast forward by a chosen
// step, a seek bar, volume and the playback speeds 0.75 to 2.0, on an <audio>
// element without native controls so that every control is a labelled,
// keyboard-usable input. Keys J, K and L (rewind, play or pause, fast
// forward) work anywhere in the player's dialog except in a list or text box.
import {formatDuration} from './format.js';

export class AudioPlayer {
  constructor(root) {
    this.audio = root.querySelector('audio');
    this.toggle = root.querySelector('#player-toggle');
    this.seek = root.querySelector('#player-seek');
    this.time = root.querySelector('#player-time');
    this.volume = root.querySelector('#player-volume');
    this.speed = root.querySelector('#player-speed');
    this.rewind = root.querySelector('#player-rewind');
    this.forward = root.querySelector('#player-forward');
    this.step = root.querySelector('#player-step');
    this.url = null;

    this.rewind.addEventListener('click', () => this.skip(-1));
    this.forward.addEventListener('click', () => this.skip(1));
    this.step.addEventListener('change', () => this.labelSkips());
    this.labelSkips();

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
      this.rewind.disabled = false;
      this.forward.disabled = false;
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
    this.rewind.disabled = true;
    this.forward.disabled = true;
    this.seek.disabled = true;
    this.seek.value = '0';
    this.seek.max = '0';
    this.render();
  }

  stepSeconds() {
    return Number(this.step.value);
  }

  labelSkips() {
    const s = this.stepSeconds();
    this.rewind.setAttribute('aria-label', `Rewind ${s} seconds`);
    this.forward.setAttribute('aria-label', `Fast forward ${s} seconds`);
    // What the buttons show: the step, signed (the labels say it in words).
    this.rewind.querySelector('.step-text').textContent = `\u2212${s}`;
    this.forward.querySelector('.step-text').textContent = `+${s}`;
  }

  // direction -1: rewind, 1: fast forward; clamped to the recording.
  skip(direction) {
    if (this.rewind.disabled) return;
    const to = this.audio.currentTime + direction * this.stepSeconds();
    this.audio.currentTime = Math.min(Math.max(0, to), this.duration());
    this.render();
  }

  // J, K, L from `scope` (the dialog); true when the key was the player's.
  handleKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const tag = event.target?.tagName;
    if (tag === 'SELECT' || tag === 'TEXTAREA' || (tag === 'INPUT' && event.target.type !== 'range')) return false;
    const key = event.key.toLowerCase();
    if (key === 'j') this.skip(-1);
    else if (key === 'l') this.skip(1);
    else if (key === 'k') this.playPause();
    else return false;
    event.preventDefault();
    return true;
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
