#!/usr/bin/env bash
# Generates the demo logos (512×512 PNG) for every company in content/companies.
#
# These are simple marks made for this project only:
#   * sample exhibitors (fictional Greater Manchester companies): a coloured
#     tile with a geometric symbol and the company's initials;
#   * Ruhr companies named in the press release (G DATA, VMRay, Wilo): a
#     neutral wordmark – the name in plain text on a light tile. They are NOT
#     the companies' real logos; replace them with licensed artwork if needed.
#
# Needs ImageMagick 6 (`convert`) and Noto Sans Bold.
# Usage: assets/logos/make-logos.sh   (writes the PNGs next to this script)

set -euo pipefail

FONT=/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf
OUT=$(cd "$(dirname "$0")" && pwd)
SIZE=512

command -v convert >/dev/null || { echo "make-logos: ImageMagick 'convert' not found" >&2; exit 1; }
[[ -r $FONT ]] || { echo "make-logos: font not found: $FONT" >&2; exit 1; }

# tile <bg-colour> <square|circle>: draw primitive for the background
tile() {
    case $2 in
        square) echo "fill $1 roundrectangle 8,8 503,503 96,96" ;;
        circle) echo "fill $1 circle 256,256 256,8" ;;
    esac
}

# band <cx> <cy> <radius> <width> <from-deg> <to-deg>: a thick arc with round
# ends, drawn as a filled polygon plus two circles (ImageMagick 6.9 renders
# stroked arcs and long polylines with artefacts; filled polygons are clean).
band() {
    awk -v cx="$1" -v cy="$2" -v r="$3" -v w="$4" -v a0="$5" -v a1="$6" 'BEGIN {
        pi = atan2(0, -1); n = 24; ro = r + w / 2; ri = r - w / 2
        printf "polygon"
        for (i = 0; i <= n; i++) {
            a = (a0 + (a1 - a0) * i / n) * pi / 180
            printf " %.1f,%.1f", cx + ro * cos(a), cy + ro * sin(a)
        }
        for (i = n; i >= 0; i--) {
            a = (a0 + (a1 - a0) * i / n) * pi / 180
            printf " %.1f,%.1f", cx + ri * cos(a), cy + ri * sin(a)
        }
        for (k = 0; k < 2; k++) {
            a = (k ? a1 : a0) * pi / 180; x = cx + r * cos(a); y = cy + r * sin(a)
            printf " circle %.1f,%.1f %.1f,%.1f", x, y, x + w / 2, y
        }
    }'
}

# mark <id> <bg-colour> <square|circle> <initials> <symbol draw primitives>
mark() {
    local id=$1 bg=$2 shape=$3 initials=$4 symbol=$5
    convert -size ${SIZE}x${SIZE} xc:none \
        -draw "$(tile "$bg" "$shape")" \
        -fill white -stroke white -draw "$symbol" \
        -stroke none -fill white -font "$FONT" -pointsize 104 \
        -gravity center -annotate +0+118 "$initials" \
        -strip "PNG32:$OUT/$id.png"
    echo "wrote $OUT/$id.png"
}

# wordmark <id> <text>: neutral plain-text wordmark on a light tile
wordmark() {
    local id=$1 text=$2
    convert -size ${SIZE}x${SIZE} xc:none \
        -fill '#F2F4F6' -stroke '#C9CFD6' -strokewidth 6 \
        -draw "roundrectangle 8,8 503,503 96,96" \
        -stroke none -fill '#2A2F35' -font "$FONT" -pointsize 96 \
        -gravity center -annotate +0+0 "$text" \
        -strip "PNG32:$OUT/$id.png"
    echo "wrote $OUT/$id.png"
}

# --- sample exhibitors (fictional) --------------------------------------

# hydrogen: H2 molecule – two atoms and a bond
mark irk-valley-hydrogen '#0F6E73' circle 'IVH' \
    "stroke-width 0 circle 190,190 190,134 circle 322,190 322,134 rectangle 190,178 322,202"

# hydrogen: sensor point with signal arcs
mark medlock-gas-sensing '#1E6B3A' circle 'MGS' \
    "stroke none circle 256,250 256,222 $(band 256 250 72 22 225 315) $(band 256 250 128 22 225 315)"

# cybersecurity: shield with a tick
mark bollin-ot-defence '#35506B' square 'BOD' \
    "stroke-width 0 polygon 256,78 352,112 346,204 256,284 166,204 160,112 fill none stroke #35506B stroke-width 20 stroke-linecap round stroke-linejoin round polyline 212,180 246,214 302,150"

# cybersecurity: code brackets and slash
mark ancoats-code-assurance '#2B5F8A' square 'ACA' \
    "fill none stroke-width 22 stroke-linecap round stroke-linejoin round polyline 196,120 132,186 196,252 polyline 316,120 380,186 316,252 line 282,112 230,260"

# digital health: cross in a ring
mark chorlton-care-insights '#6A3E8E' square 'CCI' \
    "stroke-width 0 roundrectangle 230,118 282,262 10,10 roundrectangle 184,164 328,216 10,10 fill none stroke-width 16 circle 256,190 256,86"

# digital health: two linked rings
mark etherow-health-link '#7A2E3B' square 'EHL' \
    "fill none stroke-width 22 circle 208,190 208,124 circle 304,190 304,124"

# --- Ruhr companies named in the release: neutral wordmarks only --------

wordmark gdata 'G DATA'
wordmark vmray 'VMRay'
wordmark wilo 'Wilo'
