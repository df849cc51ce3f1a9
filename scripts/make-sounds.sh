#!/usr/bin/env bash
# Regenerates the announcement and hold-music WAV files in public/sounds/.
#
# rtpengine's "play media" reads files through ffmpeg and then transcodes to the leg's codec; 8 kHz 16-bit mono
# PCM WAV is the format that plays into a PCMU/PCMA leg without any resampling surprises, and it keeps the files
# small (16 KB per second), so every output here is forced to that format.
#
# Needs: espeak-ng (speech) and sox (tones, format conversion). On Debian: apt-get install -y espeak-ng sox
# Usage: bash scripts/make-sounds.sh [OUTPUT_DIR]   (default: public/sounds next to this script's repo root)
# The outputs are committed, so this only has to run when a prompt's wording or the music changes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/public/sounds}"
mkdir -p "$out"
for tool in espeak-ng sox; do
  command -v "$tool" >/dev/null || { echo "make-sounds: $tool is missing (apt-get install -y espeak-ng sox)" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The telephone format rtpengine expects: 8 kHz, signed 16-bit little endian, one channel.
FMT=(-r 8000 -b 16 -c 1 -e signed-integer)

# speak NAME TEXT: speech at a calm rate, band-limited to the telephone band and normalised so prompts have equal
# loudness; a short lead-in of silence keeps the first syllable from being clipped while the media path settles.
speak() {
  local name="$1" text="$2"
  espeak-ng -v en-us -s 150 -p 45 -w "$tmp/speech-$name.wav" "$text"
  sox "$tmp/speech-$name.wav" "${FMT[@]}" "$out/$name.wav" \
    highpass 300 lowpass 3400 norm -3 pad 0.3 0.5
}

speak greeting "Thank you for calling. Please hold while we connect you to the next available agent."
speak periodic "Thank you for waiting. All of our agents are still busy. Please stay on the line, your call is important to us."
speak apology "We are sorry, your conversation was interrupted. Please stay on the line, we are connecting you to the next available agent."
speak closed "Thank you for calling. We are currently closed. Please call again during our opening hours. Goodbye."
speak max-wait "We are sorry, all of our agents are still busy and cannot take your call now. Please call again later. Goodbye."
speak queue-full "We are sorry, too many callers are waiting right now. Please call again in a few minutes. Goodbye."
speak no-operators "We are sorry, no agent is available at the moment. Please call again later. Goodbye."
speak callback-registered "We have noted your number and an agent will call you back as soon as possible. Goodbye."
speak recording-notice "This call may be recorded for quality and training purposes."
speak callback-unavailable "We are sorry, your number is hidden, so we cannot call you back. Please call again later, or call with your number shown. Goodbye."

# Position and estimated-wait prompts (server/calls/queue-announcements.ts): whole sentences, not spliced numbers.
ordinal=(zero one two three four five six seven eight nine)
for n in 1 2 3 4 5 6 7 8 9; do
  speak "position-$n" "You are number ${ordinal[$n]} in the queue."
done
speak position-many "There are many callers ahead of you."
speak wait-1 "The estimated waiting time is about one minute."
for n in 2 3 5 10 15 20 30; do
  speak "wait-$n" "The estimated waiting time is about $n minutes."
done
speak wait-long "The estimated waiting time is more than thirty minutes."

# Hold music: a soft plucked arpeggio over a four-chord loop (C, A minor, F, G), each note 0.375 s.
# 3 passes of 16 notes = 18 s, which loops cleanly (it starts and ends on the tonic chord) and stays under 300 KB
# at 16 KB/s. Generated rather than recorded so there is no licensing question.
note() { # note FILE PITCH
  sox -n "${FMT[@]}" "$1" synth 0.375 pluck "$2" synth 0.375 sine mix "$2" fade q 0.01 0.375 0.2 vol 0.5
}
i=0
progression=(C4 E4 G4 E4  A3 C4 E4 C4  F3 A3 C4 A3  G3 B3 D4 B3)
for pass in 1 2 3; do
  for p in "${progression[@]}"; do
    # The second pass goes an octave up for variety; the last pass returns home.
    if [ "$pass" = 2 ]; then p="${p%?}$(( ${p: -1} + 1 ))"; fi
    note "$tmp/n$(printf %03d $i).wav" "$p"
    i=$((i + 1))
  done
done
sox "$tmp"/n*.wav "${FMT[@]}" "$tmp/melody.wav"
# A quiet sustained bass drone under the melody makes it sound less like a ringtone.
sox -n "${FMT[@]}" "$tmp/drone.wav" synth 18 sine C3 vol 0.15 fade q 0.5 18 0.5
sox -m "$tmp/melody.wav" "$tmp/drone.wav" "${FMT[@]}" "$out/hold-music.wav" lowpass 3400 norm -6

# The voicemail tone (issue 11): 0.5 s at 1 kHz after "please leave your message after the tone", then 0.2 s of silence.
sox -n "${FMT[@]}" "$out/voicemail-beep.wav" synth 0.5 sine 1000 vol 0.5 fade q 0.01 0.5 0.01 pad 0 0.2

for f in greeting periodic apology closed max-wait queue-full no-operators callback-registered callback-unavailable recording-notice hold-music voicemail-beep; do
  printf 'make-sounds: %-16s %s\n' "$f.wav" "$(soxi -d "$out/$f.wav") $(stat -c %s "$out/$f.wav") bytes"
done
