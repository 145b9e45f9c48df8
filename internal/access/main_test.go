package access_test

import (
	"os"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testapp.CleanupTemplates()
	os.Exit(code)
}
