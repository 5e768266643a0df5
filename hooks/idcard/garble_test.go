package idcard

import (
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// windows1252Mojibake returns what a Western Windows PC shows for the UTF-8
// bytes of s: each byte read as a Windows-1252 character. Bytes that code page
// leaves undefined come out as the C1 control of the same value, as Windows does.
func windows1252Mojibake(s string) string { return readBytesAs(charmap.Windows1252, s) }

func readBytesAs(cp *charmap.Charmap, s string) string {
	var out []rune
	for i := 0; i < len(s); i++ {
		r := cp.DecodeByte(s[i])
		if r == '\uFFFD' {
			r = rune(s[i])
		}
		out = append(out, r)
	}
	return string(out)
}

func TestGarbledDetects(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		// Mojibake.
		{"Windows-1252 mojibake, by hand", "Nguyá»…n"},
		{"Windows-1252 mojibake of thị", "Thá»‹"},
		{"Windows-1252 mojibake of ê", "NguyÃªn"},
		{"Windows-1252 mojibake of Lý", "LÃ½"},
		{"Ã after lower-case letter", "NguyÃn"},
		{"Ä from đ", "Ä‘Ã o"},
		{"Windows-1252 name", windows1252Mojibake("Nguyễn Thị Sa Ly")},
		{"Windows-1252 address", windows1252Mojibake("Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng")},
		{"Windows-1252 Khmer-Vietnamese name", windows1252Mojibake("Thạch Thị Sà Rết")},
		{"Windows-1252 short name", windows1252Mojibake("Lâm Văn Sóc")},
		{"Windows-1252 NFD name", windows1252Mojibake(norm.NFD.String("Sơn Thị Mỹ"))},
		{"Latin-1 mojibake (C1 controls)", readBytesAs(charmap.ISO8859_1, "Nguyễn Thị")},
		{"Windows-1258 mojibake", readBytesAs(charmap.Windows1258, "Nguyễn Thị Sa Ly")},
		{"OEM code page 437 mojibake", readBytesAs(charmap.CodePage437, "Nguyễn Thị Sa Ly")},
		{"Khmer mojibake", windows1252Mojibake("ភូមិស្រែ")},
		{"upper-case mojibake", windows1252Mojibake("NGUYỄN THỊ SA LY")},
		// Broken encoding.
		{"replacement character", "Nguy\uFFFDn"},
		{"invalid UTF-8", "Nguy\xe1\xbbn"},
		{"NUL", "Nguy\x00n"},
		{"escape", "Nguy\x1b[n"},
		{"tab inside", "Nguyễn\tThị"},
		{"C1 control", "Nguy\u0085n"},
		// Placeholders and input-method residue.
		{"question mark in a word", "Nguy?n"},
		{"question marks", "Nguy?n Th? Sa Ly"},
		{"question mark alone", "Ấp ?"},
		{"inverted question mark", "Nguy¿n"},
		{"Telex", "Nguyeenx"},
		{"Telex tone after final", "Vanx"},
		{"Telex j", "Thij"},
		{"Telex aw", "Trawng"},
		{"Telex dd", "Ddawng"},
		{"Telex oo", "Hoof"},
		{"Telex s", "Sosc"},
		{"Telex name", "Nguyeenx Thij Sa Ly"},
		{"Telex upper case", "NGUYEENX VAWN"},
		{"Telex address", "AAps Myx Hoaf, Xax Myx Huwowng"},
		{"VIQR", "Nguye^~n"},
		{"VIQR grave", "Ho`ng"},
		{"VIQR breve", "Va(n"},
		{"VIQR horn", "Ho+n"},
		{"VNI", "Nguye6n"},
		{"VNI tone at end", "Thi5"},
		{"VNI đ", "d9ang"},
		{"VNI address", "So61 12, A61p 3"},
		// Nothing recognisable.
		{"no letters", "12345"},
		{"punctuation only", "--"},
		{"Greek look-alike", "Νguyễn"},
		{"Cyrillic look-alike", "Nguyеn"},
		{"box drawing", "Nguy╗n"},
		{"symbols", "Nguy€n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !Garbled(tt.in) {
				t.Errorf("Garbled(%+q) = false, want true", tt.in)
			}
		})
	}
}

func TestGarbledAccepts(t *testing.T) {
	tests := []string{
		// Names.
		"Nguyễn Thị Sa Ly", "Lý Thị Sa Ry", "Thạch Sô Phia", "Kim Thị Mỹ Hạnh",
		"Thạch Thị Sà Rết", "Lâm Văn Sóc", "Sơn Thị Mỹ", "Danh Thị Sa Ri", "Châu Thị Ca Na",
		"Sơn Chanh Đa Ra", "Lâm Thị Sóc Khơ", "Trần Văn Ẩn", "Đặng Thị Ưng", "Nguyễn Văn A",
		"NGUYỄN THỊ SA LY", "LÝ THỊ SA RY", "Ka Điều", "K'Brăng", "Nguyen Van An", "Lam Van Soc",
		"Thach So Phia", "Ly Thi Sa Ry", "Xoong", "Đinh Thị Ngọc Ánh",
		norm.NFD.String("Thạch Thị Sà Rết"), norm.NFD.String("Nguyễn Văn Ấn"),
		// Addresses.
		"Ấp Mỹ Hòa, Xã Mỹ Hương, Tỉnh Sóc Trăng",
		"Số 12, Ấp 3",
		"Số 12/3A, Đường 30/4, Phường 1, TP. Sóc Trăng, Tỉnh Sóc Trăng",
		"Khóm 3, Thị trấn Mỹ Xuyên, Huyện Mỹ Xuyên",
		"XÃ MỸ HƯƠNG, HUYỆN MỸ TÚ, TỈNH SÓC TRĂNG",
		"Km7, QL1A, Ấp Phước An",
		"Lô A12, KDC 586, Phường Phú Thứ, Quận Cái Răng",
		"Tổ 5, Ấp Phước An (cũ: Ấp 3), Xã Mỹ Hương",
		"Đường ĐT934, Ấp Hòa Thượng",
		"Thị trấn D'Ran, Huyện Đơn Dương, Tỉnh Lâm Đồng",
		"Xã Đạ M'ri, Huyện Đạ Huoai",
		"Chung cư Vinhomes Central Park, Phường 22, Quận Bình Thạnh",
		"TX. Vĩnh Châu, Tỉnh Sóc Trăng",
		"Số 5 – Ấp 2; Xã Mỹ Hương",
		"Ap My Hoa, Xa My Huong, Tinh Soc Trang",
		norm.NFD.String("Ấp Mỹ Hòa, Xã Mỹ Hương"),
		norm.NFD.String("Ấp Mỹ Hoà\u00a0Xã Mỹ Hương"), // NFD grave + no-break space look like Windows-1258 mojibake
		// Khmer script, with the zero-width spaces it relies on.
		"ភូមិ\u200bស្រែ\u200bជ្រៅ", "សុខ សំណាង", "ឃុំ​មីហឿង ខេត្ត​សុក​ត្រាំង", "ផ្ទះលេខ ១២",
		// Empty is missing, not garbled.
		"", "   ",
	}
	for _, in := range tests {
		if Garbled(in) {
			t.Errorf("Garbled(%+q) = true, want false", in)
		}
	}
}

func TestGarbledNameStricter(t *testing.T) {
	// Allowed in an address, not in a name.
	for _, in := range []string{"Nguyễn Thị 2", "Nguyễn Thị Sa Ly, Sóc Trăng", "Nguyễn Thij Sa Ly", "Nguyễn Văn Anh Lewis"} {
		if garbledName(in) == false {
			t.Errorf("garbledName(%+q) = false, want true", in)
		}
	}
	for _, in := range []string{"Nguyễn Thị Sa Ly", "K'Brăng", "Sơn Chanh Đa Ra", "Nguyen Van An", "Lê-Nguyễn Hà"} {
		if garbledName(in) {
			t.Errorf("garbledName(%+q) = true, want false", in)
		}
	}
}
