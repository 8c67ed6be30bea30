package docscheck

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHTMLToText(t *testing.T) {
	cases := []struct {
		name, html, want string
	}{
		{
			name: "inline elements of a block are glued, as the flattened pages show them",
			html: `<main><div><span>id</span><span>String</span><span>必填</span></div><p>实例ID</p></main>`,
			want: "idString必填\n\n实例ID\n",
		},
		{
			name: "the main content only: navigation, side bars, scripts and styles are left out",
			html: `<html><head><title>T</title><style>p{}</style></head><body><nav>Path Parameters</nav>` +
				`<main><nav class="toc">Response</nav><h1>开放端口</h1><script>var x = "Request body";</script>` +
				`<aside>Body</aside><p>text</p></main><footer>site</footer></body></html>`,
			want: "开放端口\n\ntext\n",
		},
		{
			name: "an article when there is no main, the body when there is neither",
			html: `<body><div>menu</div><article><p>a</p></article></body>`,
			want: "a\n",
		},
		{
			name: "the body",
			html: `<body><p>a</p><p>b</p></body>`,
			want: "a\n\nb\n",
		},
		{
			name: "white space collapses, entities are decoded, spaces between inline words are kept",
			html: "<main><p>  Open   API\n Key &amp; <b>Bearer</b> [YOUR_API_KEY]&nbsp;</p><p>&quot;http/https&quot;</p></main>",
			want: "Open API Key & Bearer [YOUR_API_KEY]\n\n\"http/https\"\n",
		},
		{
			name: "a line break ends a line",
			html: `<main><p>POST<br>https://x/y</p></main>`,
			want: "POST\n\nhttps://x/y\n",
		},
		{
			name: "preformatted text keeps its lines",
			html: "<main><pre><code>curl -X 'POST' \\\n  'https://x' \\\n  -d '{\n  \"port\": 80\n}'</code></pre></main>",
			want: "curl -X 'POST' \\\n  'https://x' \\\n  -d '{\n  \"port\": 80\n}'\n",
		},
		{
			name: "page controls are left out: the language tabs over the code samples",
			html: `<main><div role="tablist"><button role="tab">cURL</button><button role="tab">Python</button></div><pre>curl x</pre></main>`,
			want: "curl x\n",
		},
		{
			name: "hidden elements are left out",
			html: `<main><p>a</p><div hidden><p>b</p></div></main>`,
			want: "a\n",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := HTMLToText([]byte(tc.html))
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// TestHTMLPageGivesTheSameItems: the open-port page as HTML (a page laid out as the Alaya site lays
// it out: spans for name, type and 必填, a navigation bar, a side bar, scripts, code samples), turned
// into text, gives the same items as the saved flattened page.
func TestHTMLPageGivesTheSameItems(t *testing.T) {
	data, err := os.ReadFile("testdata/html/alaya-open-port.html")
	require.NoError(t, err)
	text, err := HTMLToText(data)
	require.NoError(t, err)
	require.Contains(t, text, "POSThttps://api.alayanew.com/v1/cci/instance/{id}/open-port\n")
	require.Contains(t, text, "\nprotocolString必填\n")
	require.NotContains(t, text, "window.__DATA__")

	flatText, err := os.ReadFile("testdata/vendor/" + alayaOpen)
	require.NoError(t, err)
	flat, fromHTML := parsePage(alayaOpen, string(flatText)), parsePage(alayaOpen, text)
	require.Empty(t, fromHTML.Problems)
	require.Len(t, fromHTML.Endpoints, 1)
	require.Len(t, fromHTML.Endpoints[0].Body.Fields, 2)
	require.Equal(t, withoutLines(flat.Endpoints), withoutLines(fromHTML.Endpoints))
}
