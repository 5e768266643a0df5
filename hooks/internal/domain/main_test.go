package domain_test

import (
	"testing"

	"motcua/hooks/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }
