// Package alaya is a client for the port operations of a CCI container compute instance
// (容器计算实例) on Alaya NeW (九章智算云): list the open ports, open a port, close a port.
//
// The live service authenticates requests signed with an AccessKey pair: the client signs every
// request, each retry afresh, and never sends the secret; a BearerKey sends the bearer key the API
// pages show instead. Neither credential leaves the base URL's origin or appears in an error, a log
// record or any fmt form of a value of this package.
//
//	c, err := alaya.NewClient(alaya.AccessKey{ID: os.Getenv("ALAYA_ACCESS_KEY"), Secret: os.Getenv("ALAYA_SECRET_KEY")})
//	m, err := c.OpenPort(ctx, "08ba7a0e-af00-4072-a5e5-1298ed6c1aa0", 8080, "tcp")
//	fmt.Println(m.ExternalPort) // the port to reach from outside
//
// Every call returns one of the three kinds of error package wrapper describes (a refused
// credential is HTTP 401 with status 40001-40006 or 40401); only ListOpenPorts is retried. The
// repository's docs/library.md describes credentials, errors, retries and logging in full; package
// alayatest serves an in-memory Alaya for tests.
package alaya
