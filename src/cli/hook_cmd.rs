//! `leakhound hook install|uninstall|pre-push`.

use super::args::HookArgs;

pub fn run(args: HookArgs) -> anyhow::Result<u8> {
    anyhow::bail!("`leakhound hook {:?}` is being written", args.command)
}
