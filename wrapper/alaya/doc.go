// Package alaya is a client for the port operations of a CCI container compute instance
// (容器计算实例) on Alaya NeW (九章智算云): list the open ports, open a port, close a port.
//
// # Credentials and base URL
//
// The live service authenticates requests signed with an AccessKey pair (created in the console
// under 客户中心 / 权限管理 / 访问管理): pass an AccessKey, and the client signs every request it
// sends, each retry afresh, with the scheme alayanew-HMAC-SHA256 (an HMAC-SHA256, under the
// secret, of the millisecond timestamp, the method and the escaped request path). The secret is
// never sent. The API pages show a bearer key instead (`Authorization: Bearer <key>`); pass a
// BearerKey for that form. Either credential goes only to the base URL's origin (never across a
// redirect to another host), and neither appears in an error, a log record or any fmt form of a
// value of this package.
//
//	c, err := alaya.NewClient(alaya.AccessKey{ID: os.Getenv("ALAYA_ACCESS_KEY"), Secret: os.Getenv("ALAYA_SECRET_KEY")})
//	if err != nil {
//		return err
//	}
//	ports, err := c.ListOpenPorts(ctx, "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0")
//	m, err := c.OpenPort(ctx, "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0", 8080, "tcp")
//	fmt.Println(m.ExternalPort) // the port to reach from outside
//	err = c.ClosePort(ctx, "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0", 8080)
//
// DefaultBaseURL is https://api.alayanew.com/api/osm: the live service serves the API under the
// prefix /api/osm, and answers the pages' unprefixed https://api.alayanew.com/v1/... with the
// console's HTML page (HTTP 200). Such an answer is a *wrapper.APIError whose message says that
// the base URL probably misses the prefix. The service accepts a signature timestamp within five
// minutes of its own clock; a machine clock further off gets HTTP 401 with status 40002 (WithClock
// sets the clock the client signs with). The repository's docs/servers/alaya.md gives the sources.
//
// The in-memory server wrapper/alaya/alayatest verifies signatures the same way, for tests.
//
// # Errors
//
// Every call returns one of the three kinds of error package wrapper describes. Every argument is
// checked before anything is sent: an empty instance id, "." or "..", a port outside 1..65535 or an
// empty protocol is a *wrapper.ValidationError that names the field. NewClient checks the
// credential (an AccessKey's ID and secret, or the BearerKey: present, no spaces or control
// characters, no ':' in the ID) and the base URL the same way.
//
// Every answer that is not a success is a *wrapper.APIError that keeps the HTTP status
// (StatusCode) and the envelope's own status (Code). The live service does not always make the two
// agree, so the client checks both: an HTTP 401 carrying envelope status 40401, an HTTP 200
// carrying envelope status 403, an HTML page served with HTTP 200, JSON that does not decode and a
// body over the size cap are all *wrapper.APIError values.
//
//	var apiErr *wrapper.APIError
//	if errors.As(err, &apiErr) && apiErr.Code == http.StatusForbidden { ... }
//
// A refused credential is HTTP 401 with the status saying why: 40001 malformed Authorization
// header, 40002 timestamp outside the window, 40003 signature does not verify (a wrong secret),
// 40004 key disabled, 40005 key expired, 40006 unknown key, 40401 no credential. errors.Is matches
// wrapper.ErrUnauthorized (HTTP 401), wrapper.ErrForbidden (HTTP 403, or envelope status 403 under
// HTTP 200), wrapper.ErrNotFound and wrapper.ErrConflict.
//
// # Retries, limits, logging
//
// Only ListOpenPorts, a GET, is retried: on connection errors, 429, 502, 503 and 504, twice by
// default (see WithMaxRetries and WithRetryBudget), with a jittered backoff that honours
// Retry-After and stops when the context ends. OpenPort and ClosePort are never retried, so a lost
// answer cannot open a port twice; call ListOpenPorts to learn what happened. WithMaxBodyBytes caps
// how much of an answer is read; WithHTTPClient replaces the default http.Client (30 s timeout),
// e.g. with a tracing Transport such as otelhttp.NewTransport; WithUserAgent names the caller in
// the User-Agent header. WithLogger writes a Debug record per request sent and per wait before a
// retry, without the credential, query or body.
package alaya
