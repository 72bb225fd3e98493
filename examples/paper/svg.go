package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// writeSVGs draws Fig. 6 (time per phase, cbets beside the paper, on a
// logarithmic scale since they differ by orders of magnitude) and Fig. 7
// (volume and objective per iteration) as plain SVG.
func writeSVGs(dir string, r *report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "fig6.svg"), []byte(fig6SVG(r)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "fig7.svg"), []byte(fig7SVG(r)), 0o644)
}

const (
	svgW, svgH = 640, 400
	left, top  = 70, 40
	plotW      = svgW - left - 30
	plotH      = svgH - top - 100 // room for the slanted bar labels
)

func svgHeader(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", svgW, svgH)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="white"/><text x="%d" y="22" font-size="15">%s</text>`+"\n", left, title)
}

func fig6SVG(r *report) string {
	type bar struct {
		label string
		ms    float64
		color string
	}
	var bars []bar
	for _, p := range r.Fig6.Phases {
		bars = append(bars, bar{p.Phase, p.MS, "#2b6cb0"})
	}
	bars = append(bars,
		bar{"total", r.Fig6.TotalMS, "#2b6cb0"},
		bar{"paper consuming", r.Fig6.PaperConsumingMS, "#c05621"},
		bar{"paper total", r.Fig6.PaperTotalMS, "#c05621"},
		bar{"paper RSA scheme", r.Fig6.PaperRSATotalMS, "#9c4221"})
	lo, hi := -2.0, 4.0 // 0.01 ms to 10 s
	y := func(ms float64) float64 {
		v := math.Log10(math.Max(ms, math.Pow(10, lo)))
		return top + plotH - (v-lo)/(hi-lo)*plotH
	}
	var b strings.Builder
	svgHeader(&b, "Fig. 6: time per phase, ms (log scale): cbets (blue) and the paper (orange)")
	for e := lo; e <= hi; e++ {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%g</text>`+"\n",
			left, left+plotW, y(math.Pow(10, e)), y(math.Pow(10, e)), left-6, y(math.Pow(10, e))+4, math.Pow(10, e))
	}
	w := float64(plotW) / float64(len(bars))
	for i, br := range bars {
		x := float64(left) + float64(i)*w + w*0.15
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x, y(br.ms), w*0.7, float64(top+plotH)-y(br.ms), br.color)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-30 %.1f %d)">%s</text>`+"\n", x+w*0.35, top+plotH+14, x+w*0.35, top+plotH+14, br.label)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func fig7SVG(r *report) string {
	steps := r.Fig7.Steps
	var b strings.Builder
	svgHeader(&b, fmt.Sprintf("Fig. 7: win-win iteration (%d iterations, volume %.2f; paper: %d, %d)",
		r.Fig7.Iterations, r.Fig7.Volume, r.Fig7.PaperIterations, int(r.Fig7.PaperVolume)))
	if len(steps) == 0 {
		b.WriteString("</svg>\n")
		return b.String()
	}
	maxV := 0.0
	for _, s := range steps {
		maxV = math.Max(maxV, s.Volume)
	}
	maxV = math.Max(maxV, r.Fig7.PaperVolume) * 1.1
	x := func(i int) float64 {
		if len(steps) == 1 {
			return left
		}
		return left + float64(i)/float64(len(steps)-1)*plotW
	}
	y := func(v float64) float64 { return top + plotH - v/maxV*plotH }
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#c05621" stroke-dasharray="4 3"/><text x="%d" y="%.1f" fill="#c05621">paper volume %g</text>`+"\n",
		left, left+plotW, y(r.Fig7.PaperVolume), y(r.Fig7.PaperVolume), left+4, y(r.Fig7.PaperVolume)-4, r.Fig7.PaperVolume)
	var pts []string
	for i, s := range steps {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(s.Volume)))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#2b6cb0" stroke-width="2" points="%s"/>`+"\n", strings.Join(pts, " "))
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/><line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>`+"\n",
		left, left+plotW, top+plotH, top+plotH, left, left, top, top+plotH)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">iteration (1 to %d)</text><text x="%d" y="%d">volume (0 to %.0f)</text>`+"\n",
		left+plotW/2, top+plotH+30, len(steps), left+6, top+14, maxV)
	b.WriteString("</svg>\n")
	return b.String()
}
