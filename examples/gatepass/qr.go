package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"

	"github.com/cbets/cbets/gate"
	qrcode "github.com/yeqown/go-qrcode/v2"
)

// maxVersion is the largest QR version a pass may need: version 10 holds
// 213 bytes in byte mode at level M, and no pass is longer than
// gate.MaxPassSize (207).
const maxVersion = 10

// quiet is the light margin around a code, in modules (ISO/IEC 18004).
const quiet = 4

// Code is a pass as a QR code: byte mode, error-correction level M, the
// smallest version that holds it.
type Code struct {
	// Version is the QR version, 1 to 10 for a pass.
	Version int
	// Modules are the dark (true) and light modules, row by row, without
	// the quiet zone.
	Modules [][]bool
}

// Encode turns a pass into its QR code. The pass's bytes are encoded as
// they are (byte mode, no character set conversion).
func Encode(pass []byte) (*Code, error) {
	if len(pass) > gate.MaxPassSize {
		return nil, fmt.Errorf("gatepass: a pass of %d bytes, the longest is %d", len(pass), gate.MaxPassSize)
	}
	qr, err := qrcode.NewWith(pass,
		qrcode.WithEncodingMode(qrcode.EncModeByte),
		qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("gatepass: %w", err)
	}
	var m matrix
	if err := qr.Save(&m); err != nil {
		return nil, fmt.Errorf("gatepass: %w", err)
	}
	c := &Code{Version: (qr.Dimension() - 17) / 4, Modules: m.bitmap}
	if c.Version < 1 || c.Version > maxVersion || len(c.Modules) != qr.Dimension() {
		return nil, fmt.Errorf("gatepass: a %d-byte pass gave a code of %d modules", len(pass), qr.Dimension())
	}
	return c, nil
}

// matrix is a qrcode.Writer that keeps the modules.
type matrix struct{ bitmap [][]bool }

func (m *matrix) Write(mat qrcode.Matrix) error {
	m.bitmap = mat.Bitmap()
	return nil
}

func (m *matrix) Close() error { return nil }

// Size returns the width of the code in modules, quiet zone included.
func (c *Code) Size() int { return len(c.Modules) + 2*quiet }

// dark reports whether the module at (x, y) of the code with its quiet
// zone is dark.
func (c *Code) dark(x, y int) bool {
	x, y = x-quiet, y-quiet
	n := len(c.Modules)
	return x >= 0 && y >= 0 && x < n && y < n && c.Modules[y][x]
}

// Image returns the code as a grayscale image, scale pixels per module,
// quiet zone included.
func (c *Code) Image(scale int) image.Image {
	if scale < 1 {
		scale = 1
	}
	size := c.Size() * scale
	img := image.NewGray(image.Rect(0, 0, size, size))
	for py := range size {
		for px := range size {
			v := color.Gray{Y: 0xff}
			if c.dark(px/scale, py/scale) {
				v.Y = 0
			}
			img.SetGray(px, py, v)
		}
	}
	return img
}

// WritePNG writes Image(scale) as a PNG.
func (c *Code) WritePNG(w io.Writer, scale int) error {
	return png.Encode(w, c.Image(scale))
}

// Text draws the code with Unicode half blocks, two module rows per line,
// for a terminal with light text on a dark background: the light modules
// are drawn, so the code reads dark on light.
func (c *Code) Text() string {
	var b strings.Builder
	for y := 0; y < c.Size(); y += 2 {
		for x := range c.Size() {
			top, bottom := !c.dark(x, y), y+1 < c.Size() && !c.dark(x, y+1)
			switch {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
