package base

import (
	"regexp"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// fileKeys maps PocketBase's file validation codes to our keys, each saying
// what is wrong with which file (a scan of the papers), so the officer knows
// which one to fix: the type, the size, too many, or a file that could not be
// read as an upload at all.
var fileKeys = map[string]string{
	"validation_invalid_mime_type": "error.scan_type",
	"validation_file_size_limit":   "error.scan_size",
	"validation_too_many_files":    "error.scan_too_many",
	"validation_invalid_file":      "error.scan_unreadable",
}

// quoted finds the first Go-quoted string in a message: PocketBase names the
// file of a type error only inside its English message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// fileError is the keyed error of a file field, with {name} the file as the
// officer chose it. PocketBase gives the original name with a size error, the
// stored name (normalised, with a random suffix) inside a type error's
// message and the submitted names of invalid files; a stored name is mapped
// back through the record's files not yet saved.
func fileError(ve validation.Error, field string, record []*core.Record) FieldKey {
	key := FieldKey{Key: fileKeys[ve.Code()], Params: map[string]string{"name": ""}}
	params := ve.Params()
	var name string
	switch ve.Code() {
	case "validation_file_size_limit":
		name, _ = params["file"].(string)
	case "validation_invalid_file":
		names, _ := params["invalidFiles"].([]string)
		name = strings.Join(names, ", ")
	case "validation_invalid_mime_type":
		if q := quoted.FindString(ve.Message()); q != "" {
			if s, err := strconv.Unquote(q); err == nil {
				name = s
			}
		}
	}
	if len(record) > 0 && record[0] != nil && name != "" {
		for _, f := range record[0].GetUnsavedFiles(field) {
			if f != nil && (f.Name == name || f.OriginalName == name) {
				name = f.OriginalName
				break
			}
		}
	}
	if len([]rune(name)) > 120 {
		name = string([]rune(name)[:120]) + "…"
	}
	key.Params["name"] = name
	return key
}
