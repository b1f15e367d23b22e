package httpcachetest

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// The types below decode testdata/cache-tests.json, the cache-tests.fyi
// suite exported as data (see testdata/cache-tests.LICENSE).

type ctFile struct {
	Suites []struct {
		ID    string   `json:"id"`
		Tests []ctTest `json:"tests"`
	} `json:"suites"`
	Derived struct {
		Profiles map[string]struct {
			IDs []string `json:"ids"`
		} `json:"profiles"`
	} `json:"derived"`
	ReferenceResults struct {
		Implementations []struct {
			Name     string            `json:"name"`
			Type     string            `json:"type"`
			Category map[string]string `json:"category"`
		} `json:"implementations"`
	} `json:"reference_results"`
}

type ctTest struct {
	ID        string      `json:"id"`
	Name      string      `json:"name"`
	Kind      string      `json:"kind"`
	DependsOn []string    `json:"depends_on"`
	Requests  []ctRequest `json:"requests"`
}

// ctHeader is a header entry: [name, value] or [name, value, check] where
// value is a string or, for date fields, an offset in seconds from "now".
// Expected-header entries may also be a bare name or [name, op, value].
type ctHeader []json.RawMessage

type ctRequest struct {
	RequestMethod  string     `json:"request_method"`
	RequestHeaders []ctHeader `json:"request_headers"`
	RequestBody    *string    `json:"request_body"`
	Filename       *string    `json:"filename"`
	QueryArg       *string    `json:"query_arg"`
	Redirect       string     `json:"redirect"`
	Cache          string     `json:"cache"`

	ResponseStatus   []json.RawMessage   `json:"response_status"`
	ResponseHeaders  []ctHeader          `json:"response_headers"`
	ResponseBody     json.RawMessage     `json:"response_body"`
	InterimResponses [][]json.RawMessage `json:"interim_responses"`
	ResponsePause    *float64            `json:"response_pause"`
	Disconnect       bool                `json:"disconnect"`
	PauseAfter       *bool               `json:"pause_after"`
	MagicIMS         bool                `json:"magic_ims"`
	MagicLocations   bool                `json:"magic_locations"`
	RFC850Date       []string            `json:"rfc850date"`

	ExpectedType                   *string           `json:"expected_type"`
	ExpectedStatus                 json.RawMessage   `json:"expected_status"`
	ExpectedMethod                 *string           `json:"expected_method"`
	ExpectedRequestHeaders         []json.RawMessage `json:"expected_request_headers"`
	ExpectedRequestHeadersMissing  []json.RawMessage `json:"expected_request_headers_missing"`
	ExpectedResponseHeaders        []json.RawMessage `json:"expected_response_headers"`
	ExpectedResponseHeadersMissing []json.RawMessage `json:"expected_response_headers_missing"`
	ExpectedResponseText           json.RawMessage   `json:"expected_response_text"`
	CheckBody                      *bool             `json:"check_body"`
	Setup                          bool              `json:"setup"`
	SetupTests                     []string          `json:"setup_tests"`
}

// cacheTestsJSON is the suite, as exported from upstream.
//
//go:embed testdata/cache-tests.json
var cacheTestsJSON []byte

// floorsText is testdata/conformance-floors.txt.
//
//go:embed testdata/conformance-floors.txt
var floorsText string

func loadCacheTests() (*ctFile, error) {
	var f ctFile
	if err := json.Unmarshal(cacheTestsJSON, &f); err != nil {
		return nil, fmt.Errorf("testdata/cache-tests.json: %w", err)
	}
	return &f, nil
}

// setupCheck reports whether a failed assertion on member is a setup
// failure rather than a failure of the cache.
func (r *ctRequest) setupCheck(member string) bool {
	if r.Setup {
		return true
	}
	for _, m := range r.SetupTests {
		if m == member {
			return true
		}
	}
	return false
}

func (h ctHeader) name() string {
	var s string
	_ = json.Unmarshal(h[0], &s)
	return s
}

// value returns the value as a string, or the date offset when it is a
// number.
func (h ctHeader) value() (s string, offset int64, isOffset bool) {
	if len(h) < 2 {
		return "", 0, false
	}
	if err := json.Unmarshal(h[1], &s); err == nil {
		return s, 0, false
	}
	_ = json.Unmarshal(h[1], &offset)
	return "", offset, true
}

// checked reports whether the server records the header for the echo check
// (a third element false turns it off).
func (h ctHeader) checked() bool {
	if len(h) < 3 {
		return true
	}
	var b bool
	_ = json.Unmarshal(h[2], &b)
	return b
}
