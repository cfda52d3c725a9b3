//! `fhir-corpus`: prints where the external FHIR corpus is and exits 0, or prints why it is not
//! there and exits 1. `scripts/test.sh` asks this rather than knowing the path itself.

fn main() {
    match lantern_testkit::fhir_corpus() {
        Ok(p) => println!("{}", p.display()),
        Err(why) => {
            println!("{why}");
            std::process::exit(1);
        }
    }
}
