package wallet

import (
	"fmt"

	"github.com/go-bittensor/bittensor/cli/cmdutil"
	"github.com/go-bittensor/bittensor/wallet"
	"github.com/spf13/cobra"
)

// ListOptions are the options of `wallet list`.
type ListOptions struct {
	IO   *cmdutil.IOStreams
	Path string
	JSON bool
}

// NewCmdList returns `wallet list`.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the wallets and their hotkeys",
		Long: `List the wallets under --wallet.path with the address of each coldkey and
hotkey. An address shows as ? when its key cannot be read without a password
(or at all).`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmdutil.AddWalletPathFlag(cmd, &opts.Path)
	cmdutil.JSONFlag(cmd, &opts.JSON)
	return cmd
}

// walletEntry is one wallet of the listing; the JSON form is part of
// btcli's interface.
type walletEntry struct {
	Name    string        `json:"name"`
	Path    string        `json:"path"`
	Coldkey *string       `json:"coldkey"` // SS58, or null if unreadable
	Hotkeys []hotkeyEntry `json:"hotkeys"`
}

type hotkeyEntry struct {
	Name string  `json:"name"`
	SS58 *string `json:"ss58"` // null if unreadable without a password
}

func listRun(opts *ListOptions) error {
	names, err := wallet.List(opts.Path)
	if err != nil {
		return err
	}
	entries := []walletEntry{}
	for _, name := range names {
		w := wallet.New(name, "", opts.Path)
		e := walletEntry{Name: name, Path: w.Dir(), Hotkeys: []hotkeyEntry{}}
		if kp, err := w.ColdkeyPub(); err == nil {
			s := kp.SS58Address()
			e.Coldkey = &s
		}
		hotkeys, err := w.HotkeyNames()
		if err != nil {
			return err
		}
		for _, h := range hotkeys {
			he := hotkeyEntry{Name: h}
			if kp, err := wallet.New(name, h, opts.Path).HotkeyPub(); err == nil {
				s := kp.SS58Address()
				he.SS58 = &s
			}
			e.Hotkeys = append(e.Hotkeys, he)
		}
		entries = append(entries, e)
	}

	if opts.JSON {
		return cmdutil.PrintJSON(opts.IO.Out, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "No wallets in %s\n", wallet.ExpandHome(opts.Path))
	}
	root := cmdutil.TreeNode{Label: "Wallets"}
	for _, e := range entries {
		n := cmdutil.TreeNode{Label: fmt.Sprintf("%s (%s)", e.Name, orQuestion(e.Coldkey))}
		for _, h := range e.Hotkeys {
			n.Children = append(n.Children, cmdutil.TreeNode{Label: fmt.Sprintf("%s (%s)", h.Name, orQuestion(h.SS58))})
		}
		root.Children = append(root.Children, n)
	}
	return cmdutil.PrintTree(opts.IO.Out, root)
}

func orQuestion(s *string) string {
	if s == nil {
		return "?"
	}
	return *s
}
