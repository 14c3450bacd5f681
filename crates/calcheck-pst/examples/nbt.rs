//! Prints every node of the node B-tree (NID, type, parent, data and sub-node block ids) of a PST/OST.
#![allow(clippy::print_stdout, clippy::print_stderr)]

fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let pst = match calcheck_pst::Pst::open(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{path}: {e}");
            return;
        }
    };
    let mut w = Vec::new();
    match pst.ndb().all_nodes(&mut w) {
        Ok(nodes) => {
            for n in nodes {
                println!(
                    "nid {:#010x} type {:#04x} parent {:#010x} data {:#x} sub {:#x}",
                    n.nid,
                    n.nid & 0x1f,
                    n.nid_parent,
                    n.bid_data,
                    n.bid_sub
                );
            }
        }
        Err(e) => eprintln!("{path}: {e}"),
    }
    for x in w {
        println!("warning: {x}");
    }
}
