#!/usr/bin/env bash
# Makes the Vietnamese starter set of the lobby TV's voice clips with espeak-ng
# (its Southern Vietnamese voice) and sox, both Debian packages:
#   apt-get install espeak-ng sox
# and writes them into hooks/queue/voicestarter/, where go:embed takes them.
# Each clip is 16-bit PCM mono at 16 kHz (what the recording page writes and
# the server accepts), with the silence before and after the word cut off, so
# that words played one after another sound like one sentence, and levelled to
# -3 dBFS. Run it again after changing a word; commit the WAV files.
# There is no Khmer here: espeak-ng has no Khmer voice. The office records Khmer.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=hooks/queue/voicestarter
voice=${VOICE:-vi-vn-x-south}
speed=${SPEED:-135}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

say() { # word key, text
  espeak-ng -v "$voice" -s "$speed" -w "$tmp/raw.wav" "$2"
  sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 -e signed-integer "$out/vi.$1.wav" \
    silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse gain -n -3 pad 0.02 0.06
}

say invite "Mời số"
say to_counter "đến quầy"
digits=(không một hai ba bốn năm sáu bảy tám chín)
for d in "${!digits[@]}"; do say "digit_$d" "${digits[$d]}"; done
say ten "mười"
say tens "mươi"
say hundred "trăm"
say thousand "ngàn"
say zero_ten "lẻ"
say one_after_tens "mốt"
say five_after_ten "lăm"
# The group letters as Vietnamese says them.
letters=(a:a b:bê c:xê d:đê e:e f:ép g:giê h:hát i:i j:gi k:ca l:e-lờ m:em-mờ n:en-nờ o:o
  p:pê q:quy r:e-rờ s:ét-xì t:tê u:u v:vê w:"vê kép" x:ích-xì y:"i dài" z:dét)
for pair in "${letters[@]}"; do say "letter_${pair%%:*}" "${pair#*:}"; done
ls "$out" | wc -l | xargs echo "clips written to $out:"
du -sh "$out"
