package tiering_test

import (
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }
