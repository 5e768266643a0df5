package backup

import (
	"bytes"
	"image"
	_ "image/png" // the QR images
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/pocketbase/pocketbase/core"

	"motcua/hooks/backupkey"
)

// giveKey makes a backup key for app and confirms its sheet, as a leader
// does, and returns the code printed on the sheet.
func giveKey(t testing.TB, app core.App) backupkey.Code {
	t.Helper()
	code, _, err := newPendingKey(app, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := confirmKey(app, code.QR(), "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	return code
}

// otherCode is a valid recovery code of another key: the wrong sheet.
func otherCode(t testing.TB) backupkey.Code {
	t.Helper()
	c, err := backupkey.NewCode()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// decodeSheetQR reads the text of the recovery sheet's QR code image as
// served. gozxing's finder-pattern search misreads about 7 in 1,000 perfect
// images of these codes even with TRY_HARDER (measured here); the image is a
// pure barcode, so it is read as one (which read all 1,000), and with the
// search as a second try.
func decodeSheetQR(t testing.TB, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	for _, hint := range []gozxing.DecodeHintType{gozxing.DecodeHintType_PURE_BARCODE, gozxing.DecodeHintType_TRY_HARDER} {
		res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{hint: true})
		if err == nil {
			return res.GetText()
		}
	}
	t.Fatal("the sheet's QR code does not decode")
	return ""
}
