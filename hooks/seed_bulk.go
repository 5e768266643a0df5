package hooks

import "motcua/hooks/textnorm"

// seedSearchKey is the accent-folded text staff search looks in, built as the
// intake builds it: code, name, ID number and phone.
func seedSearchKey(code, name, id, phone string) string {
	return textnorm.Fold(code + " " + name + " " + id + " " + phone)
}
