//go:build !linux && !windows

package drives

import "errors"

func freeSpace(dir string) (free, total int64, err error) { return 0, 0, errors.ErrUnsupported }

func clusterSize(dir string) int64 { return 4096 }

func fsName(dir string) string { return "" }

func listPlatform() ([]Drive, error) { return nil, nil }
