package backupkey

import (
	"bytes"
	"image"
	_ "image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"
)

// TestSheetQRScansBack: the recovery sheet's QR code, drawn as the app draws
// QR codes (whole pixels per module), decodes to text that ParseCode reads to
// the same code; the QR code of something else is refused as not a sheet.
func TestSheetQRScansBack(t *testing.T) {
	c, err := NewCode()
	if err != nil {
		t.Fatal(err)
	}
	scan := func(text string) string {
		png, err := qrcode.Encode(text, qrcode.Medium, -4)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(bytes.NewReader(png))
		if err != nil {
			t.Fatal(err)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		res, err := gzqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("decode qr: %v", err)
		}
		return res.GetText()
	}
	text := scan(c.QR())
	got, err := ParseCode(text)
	if err != nil || got != c {
		t.Fatalf("scanned %q: %x, %v", text, got, err)
	}
	if key, _ := KeyOf(parseErr(scan("http://192.168.1.10:8090/tra-cuu?c=000.00.07.H60-260302-0001&k=AB12"))); key != KeyCodeInvalid {
		t.Errorf("a receipt's QR code: %s", key)
	}
}
