package main

import (
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// writeSVGs draws Fig. 6 (time per phase, cbets beside the paper, on a
// logarithmic scale since they differ by orders of magnitude) and Fig. 7
// (volume per iteration) as plain SVG. Both have labelled axes with tick
// marks and numbers (text of class "xtick", "ytick") and the plotted values
// written out (class "value").
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
	svgW, svgH = 680, 420
	left, top  = 80, 40
	plotW      = svgW - left - 30
	plotH      = svgH - top - 110 // room for the slanted bar labels
	bottom     = top + plotH
)

func svgHeader(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", svgW, svgH)
	fmt.Fprintf(b, `<rect width="100%%" height="100%%" fill="white"/><text x="10" y="22" font-size="14">%s</text>`+"\n", html.EscapeString(title))
}

// axes draws the two axis lines and the axis titles.
func axes(b *strings.Builder, xTitle, yTitle string) {
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/><line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>`+"\n",
		left, left+plotW, bottom, bottom, left, left, top, bottom)
	if xTitle != "" {
		fmt.Fprintf(b, `<text class="axis" x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", left+plotW/2, bottom+36, html.EscapeString(xTitle))
	}
	fmt.Fprintf(b, `<text class="axis" x="%d" y="%d" text-anchor="middle" transform="rotate(-90 %d %d)">%s</text>`+"\n",
		18, top+plotH/2, 18, top+plotH/2, html.EscapeString(yTitle))
}

// yTick draws a tick mark, a grid line and a label at height y.
func yTick(b *strings.Builder, y float64, label string) {
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/><line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="black"/>`,
		left, left+plotW, y, y, left-5, left, y, y)
	fmt.Fprintf(b, `<text class="ytick" x="%d" y="%.1f" text-anchor="end">%s</text>`+"\n", left-8, y+4, label)
}

// xTick draws a tick mark and a label at x.
func xTick(b *strings.Builder, x float64, label string) {
	fmt.Fprintf(b, `<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/><text class="xtick" x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n",
		x, x, bottom, bottom+5, x, bottom+18, label)
}

func fig6SVG(r *report) string {
	type bar struct {
		label    string
		ms       float64
		lo, hi   float64 // the IQR, drawn as a whisker; 0 for none
		color    string
		fromOurs bool
	}
	f := r.Fig6
	var bars []bar
	for _, p := range f.Phases {
		bars = append(bars, bar{p.Phase, p.Median, p.P25, p.P75, "#2b6cb0", true})
	}
	bars = append(bars,
		bar{"total", f.Total.Median, f.Total.P25, f.Total.P75, "#2b6cb0", true},
		bar{"paper consuming", f.PaperMS.Consuming, 0, 0, "#c05621", false},
		bar{"paper total", f.PaperMS.Total, 0, 0, "#c05621", false},
		bar{"paper RSA scheme", f.PaperMS.RSATotal, 0, 0, "#9c4221", false})
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, br := range bars {
		if br.ms > 0 {
			lo, hi = min(lo, math.Log10(br.ms)), max(hi, math.Log10(br.ms))
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	// Whole decades, with room above the tallest bar for its number.
	loE, hiE := math.Floor(lo)-1, math.Ceil(hi+0.15)
	y := func(ms float64) float64 {
		v := math.Log10(math.Max(ms, math.Pow(10, loE)))
		return bottom - (v-loE)/(hiE-loE)*plotH
	}
	var b strings.Builder
	svgHeader(&b, "Fig. 6: time per phase: cbets median and IQR (blue), the paper (orange)")
	for e := loE; e <= hiE; e++ {
		yTick(&b, y(math.Pow(10, e)), strconv.FormatFloat(math.Pow(10, e), 'f', -1, 64))
	}
	w := float64(plotW) / float64(len(bars))
	for i, br := range bars {
		x := float64(left) + float64(i)*w + w*0.15
		mid := x + w*0.35
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n", x, y(br.ms), w*0.7, bottom-y(br.ms), br.color)
		if br.fromOurs && br.hi > br.lo {
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="black"/>`+"\n", mid, mid, y(br.lo), y(br.hi))
		}
		value := ms(br.ms)
		if !br.fromOurs {
			value = exact(br.ms)
		}
		fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%.1f" text-anchor="middle" font-size="11">%s</text>`+"\n", mid, y(max(br.ms, br.hi))-4, value)
		fmt.Fprintf(&b, `<text class="xlabel" x="%.1f" y="%d" text-anchor="end" transform="rotate(-30 %.1f %d)">%s</text>`+"\n",
			mid, bottom+14, mid, bottom+14, br.label)
	}
	axes(&b, "", "ms (log scale)")
	b.WriteString("</svg>\n")
	return b.String()
}

// niceStep returns the smallest of 1, 2 and 5 times a power of ten that is
// at least x (x > 0).
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

func fig7SVG(r *report) string {
	f := r.Fig7
	steps := f.Steps
	var b strings.Builder
	svgHeader(&b, fmt.Sprintf("Fig. 7: win-win iteration (%d iterations, volume %.2f; paper: %d, %g)",
		f.Iterations, f.Volume, f.PaperIterations, f.PaperVolume))
	if len(steps) == 0 {
		b.WriteString("</svg>\n")
		return b.String()
	}
	maxV := f.PaperVolume
	for _, s := range steps {
		maxV = math.Max(maxV, s.Volume)
	}
	yStep := niceStep(math.Max(maxV, 1) / 5)
	yMax := math.Ceil(maxV*1.05/yStep) * yStep
	n := len(steps)
	x := func(it int) float64 {
		if n == 1 {
			return left + plotW/2
		}
		return left + float64(it-1)/float64(n-1)*plotW
	}
	y := func(v float64) float64 { return bottom - v/yMax*plotH }
	for v := 0.0; v <= yMax*(1+1e-9); v += yStep {
		yTick(&b, y(v), strconv.FormatFloat(v, 'f', -1, 64))
	}
	xStep := int(niceStep(math.Max(1, float64(n)/10)))
	for it := 1; it <= n; it++ {
		if it == 1 || it == n || (it%xStep == 0 && n-it >= xStep/2+1) {
			xTick(&b, x(it), strconv.Itoa(it))
		}
	}
	fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#c05621" stroke-dasharray="4 3"/><text class="value" x="%d" y="%.1f" fill="#c05621">paper: volume %g after %d iterations</text>`+"\n",
		left, left+plotW, y(f.PaperVolume), y(f.PaperVolume), left+6, y(f.PaperVolume)+16, f.PaperVolume, f.PaperIterations)
	var pts []string
	for _, s := range steps {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(s.Iteration), y(s.Volume)))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#2b6cb0" stroke-width="2" points="%s"/>`+"\n", strings.Join(pts, " "))
	for _, s := range steps {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#2b6cb0"/>`+"\n", x(s.Iteration), y(s.Volume))
	}
	last := steps[n-1]
	fmt.Fprintf(&b, `<text class="value" x="%.1f" y="%.1f" text-anchor="end" fill="#2b6cb0">cbets: %.2f after %d</text>`+"\n",
		x(last.Iteration), y(max(last.Volume, f.PaperVolume))-8, last.Volume, last.Iteration)
	axes(&b, "iteration", "transaction volume")
	b.WriteString("</svg>\n")
	return b.String()
}
