// Package alaya is a client for the port operations of a CCI container compute instance
// (容器计算实例) on Alaya NeW (九章智算云): list the open ports, open a port, close a port.
//
// The live service authenticates requests signed with an AccessKey pair: the client signs every
// request it sends, each retry afresh, and never sends the secret. A BearerKey sends the bearer key
// the API pages show instead. Neither credential leaves the base URL's origin or appears in an
// error, a log record or any fmt form of a value of this package. DefaultBaseURL carries the
// prefix /api/osm under which the live service serves the API.
//
//	c, err := alaya.NewClient(alaya.AccessKey{ID: os.Getenv("ALAYA_ACCESS_KEY"), Secret: os.Getenv("ALAYA_SECRET_KEY")})
//	if err != nil {
//		return err
//	}
//	m, err := c.OpenPort(ctx, "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0", 8080, "tcp")
//	fmt.Println(m.ExternalPort) // the port to reach from outside
//
// Every call returns one of the three kinds of error package wrapper describes; an answer that is
// not a success is a *wrapper.APIError keeping both the HTTP status and the envelope's status (a
// refused credential is HTTP 401 with status 40001-40006 or 40401). Only ListOpenPorts is retried.
// The repository's docs/library.md describes credentials, errors, retries and logging in full;
// package alayatest serves an in-memory Alaya for tests.
package alaya
