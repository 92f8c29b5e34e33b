package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"
)

const overflowJS = `(()=>{const W=document.documentElement.clientWidth;const r=[];document.querySelectorAll('body *').forEach(e=>{const b=e.getBoundingClientRect();if(b.right>W+1&&b.width>0){let p=e.parentElement,clip=false;while(p&&p!==document.body){const s=getComputedStyle(p);if(s.overflowX!='visible'){clip=true;break}p=p.parentElement}if(!clip)r.push(e.tagName+'.'+e.className+' '+(e.id||'')+' right='+Math.round(b.right)+' '+(e.innerText||'').slice(0,40).replace(/\n/g,' '))}});return {W, sw:document.documentElement.scrollWidth, over:r.slice(0,15)}})()`

func main() {
	tab := os.Getenv("TAB")
	if tab == "" {
		tab = "staff"
	}
	alloc, cancel := remote.NewAllocator(context.Background(), "http://127.0.0.1:9222")
	defer cancel()
	tabs := map[string]string{}
	b, _ := os.ReadFile("/tmp/drive-tabs.json")
	json.Unmarshal(b, &tabs)
	var ctx context.Context
	if id, ok := tabs[tab]; ok {
		ctx, cancel = chromedp.NewContext(alloc, chromedp.WithTargetID(target.ID(id)), chromedp.WithDetachOnCancel())
	} else {
		ctx, cancel = chromedp.NewContext(alloc, chromedp.WithDetachOnCancel())
	}
	defer cancel()
	ctx, c2 := context.WithTimeout(ctx, 90*time.Second)
	defer c2()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`1`)); err != nil {
		fmt.Println("ERR attach", err)
		os.Exit(1)
	}
	if _, ok := tabs[tab]; !ok {
		tabs[tab] = string(chromedp.FromContext(ctx).Target.TargetID)
		b, _ = json.Marshal(tabs)
		os.WriteFile("/tmp/drive-tabs.json", b, 0644)
	}
	args := os.Args[1:]
	for len(args) > 0 {
		cmd := args[0]
		var err error
		switch cmd {
		case "nav":
			err = chromedp.Do(ctx, chromedp.Navigate(args[1]))
			args = args[2:]
		case "js":
			var res []byte
			res, err = chromedp.Run(ctx, chromedp.Evaluate[[]byte](args[1], chromedp.EvalAwaitPromise))
			fmt.Println(string(res))
			args = args[2:]
		case "jsnav": // JS that triggers a navigation (e.g. form submit/click)
			_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`setTimeout(()=>{`+args[1]+`},0)`))
			time.Sleep(2000 * time.Millisecond)
			args = args[2:]
		case "sleep":
			ms, _ := strconv.Atoi(args[1])
			time.Sleep(time.Duration(ms) * time.Millisecond)
			args = args[2:]
		case "url":
			var u, t string
			u, err = chromedp.Run(ctx, chromedp.Location())
			t, _ = chromedp.Run(ctx, chromedp.Title())
			fmt.Println("URL", u, "TITLE", t)
			args = args[1:]
		case "text":
			var s string
			s, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			fmt.Println(s)
			args = args[1:]
		case "html":
			var s string
			s, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(` + strconv.Quote(args[1]) + `)||{outerHTML:'(none)'}).outerHTML`))
			fmt.Println(s)
			args = args[2:]
		case "shot":
			w, _ := strconv.Atoi(args[2])
			mobile := w < 600
			err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: int64(w), Height: 900, DeviceScaleFactor: 1, Mobile: mobile})
				return err
			}))
			if err != nil {
				break
			}
			time.Sleep(800 * time.Millisecond)
			var buf []byte
			buf, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err == nil {
				os.WriteFile(args[1], buf, 0644)
				ov, _ := chromedp.Run(ctx, chromedp.Evaluate[[]byte](overflowJS))
				fmt.Println("SHOT", args[1], w, string(ov))
			}
			chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
				return err
			}))
			args = args[3:]
		default:
			fmt.Println("unknown", cmd)
			os.Exit(2)
		}
		if err != nil {
			fmt.Println("ERR", cmd, err)
			os.Exit(1)
		}
	}
}
