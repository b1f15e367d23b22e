package snippet_test

import (
	"fmt"
	"log"

	"github.com/snapdoc/snapdoc/generator/snippet"
	"github.com/snapdoc/snapdoc/runner/httpfile"
	"github.com/snapdoc/snapdoc/templates"
)

func ExampleSet_Render() {
	set, err := snippet.Load(templates.FS)
	if err != nil {
		log.Fatal(err)
	}
	r := &httpfile.Request{
		Method:  "POST",
		URL:     "https://httpbin.org/anything?q=caf%C3%A9",
		Headers: []httpfile.Header{{Name: "Authorization", Value: "Bearer " + httpfile.EnvRef("TOKEN")}},
		Body:    "it's done\n",
	}
	code, err := set.Render("curl", r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(code)
	// Output:
	// curl --request POST \
	//   --url 'https://httpbin.org/anything?q=caf%C3%A9' \
	//   --header 'Authorization: Bearer '"$TOKEN" \
	//   --data-raw 'it'\''s done
	// '
}

func ExampleSet_Languages() {
	set, err := snippet.Load(templates.FS)
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range set.Languages() {
		fmt.Println(l.ID, l.Label, l.Lexer)
	}
	// Output:
	// python Python python
	// curl curl bash
	// javascript JavaScript javascript
	// go Go go
	// java Java java
	// http HTTP http
}
