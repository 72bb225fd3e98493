package main

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cbets/cbets/gate"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/require"
)

// decode reads a QR code image back to its bytes with another library
// (gozxing, a port of ZXing), as a gate's scanner would.
func decode(t *testing.T, img image.Image) []byte {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	require.NoError(t, err)
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	require.NoError(t, err)
	segments, ok := res.GetResultMetadata()[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte)
	require.True(t, ok, "no byte segments")
	return bytes.Join(segments, nil)
}

// The QR version a pass needs at level M grows with its ids: 101 bytes
// for event "concert-2026-12-01" and serial "1234" need version 6, the
// longest pass (207 bytes) version 10.
func TestEncodeVersions(t *testing.T) {
	d, err := NewDemo("1234")
	require.NoError(t, err)
	p, err := gate.NewPass(d.HolderKey, d.Ticket, Doors)
	require.NoError(t, err)
	require.Len(t, p.Bytes(), 101)
	c, err := Encode(p.Bytes())
	require.NoError(t, err)
	require.Equal(t, 6, c.Version)
	require.Len(t, c.Modules, 41)

	// Byte-mode capacities at level M (ISO/IEC 18004, Table 7).
	for _, tc := range []struct{ size, version int }{
		{81, 5}, {84, 5}, {85, 6}, {106, 6}, {107, 7}, {122, 7}, {123, 8}, {152, 8},
		{153, 9}, {180, 9}, {181, 10}, {gate.MaxPassSize, 10},
	} {
		c, err := Encode(bytes.Repeat([]byte{0xa5}, tc.size))
		require.NoError(t, err, tc.size)
		require.Equal(t, tc.version, c.Version, "%d bytes", tc.size)
		require.Len(t, c.Modules, 17+4*tc.version)
	}
	_, err = Encode(make([]byte, gate.MaxPassSize+1))
	require.Error(t, err)
}

// The code decodes to the pass byte for byte, and the gate admits what
// the scanner read: the pass with the longest ids too.
func TestScanAndAdmit(t *testing.T) {
	for _, serial := range []string{"1234", strings.Repeat("9", 64)} {
		d, err := NewDemo(serial)
		require.NoError(t, err)
		shown := Doors.Add(40 * time.Second)
		p, err := gate.NewPass(d.HolderKey, d.Ticket, shown)
		require.NoError(t, err)
		c, err := Encode(p.Bytes())
		require.NoError(t, err)
		scanned := decode(t, c.Image(4))
		require.Equal(t, p.Bytes(), scanned)

		g, err := d.Gate("door")
		require.NoError(t, err)
		adm, err := g.Admit(scanned, shown)
		require.NoError(t, err)
		_, _, err = d.Merchant.Consume(d.Ticket, adm.Request(), adm.Time())
		require.NoError(t, err)
	}
}

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "pass.png")
	var buf bytes.Buffer
	require.NoError(t, run(&buf, out, true))
	text := buf.String()
	for _, want := range []string{
		"pass of concert-2026-12-01/1234 for the slot starting 2026-12-01T19:00:00Z: 101 bytes",
		"QR code: version 6, level M, byte mode, 41×41 modules",
		"gate north-1 admitted 1234, held by eve",
		"shown again: gate: ticket \"1234\" already admitted at gate \"north-1\"",
		"merchant: ticket 1234 consumed, Σ of 128 bytes",
		"█▀",
	} {
		require.Contains(t, text, want)
	}
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	img, _, err := image.Decode(f)
	require.NoError(t, err)
	require.Equal(t, (41+8)*8, img.Bounds().Dx())
	d, err := NewDemo("1234")
	require.NoError(t, err)
	p, err := gate.NewPass(d.HolderKey, d.Ticket, Doors)
	require.NoError(t, err)
	require.Equal(t, p.Bytes(), decode(t, img))
}
