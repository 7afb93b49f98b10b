//! `obryl`: parse the command line, load the configuration, run a command or the TUI.

use std::process::ExitCode;

use clap::builder::PossibleValuesParser;
use clap::{CommandFactory, FromArgMatches};

use obryl::cli::{self, Cli, Command};
use obryl::config::Config;

fn main() -> ExitCode {
    // Behave like other command-line tools when output is piped into `head`: stop quietly.
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // `--tab` takes the names of the screen registry, so it can never lag behind it.
    let screens = obryl::ui::screens::TabId::EVERY.iter().map(|t| t.key());
    let matches = Cli::command()
        .mut_arg("tab", |a| {
            a.value_parser(PossibleValuesParser::new(screens))
        })
        .get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let config = match Config::load(&cli.overrides(), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("obryl: {e}");
            return ExitCode::from(cli::EXIT_FAILED);
        }
    };
    if matches!(cli.command, Some(Command::Serve { .. })) {
        // A server's own terminal is none of its sessions': pictures are drawn as each
        // session's terminal answers, never as this process's environment hints (tmux, iTerm2).
        // SAFETY: no other thread runs yet (logging and the runtime start below).
        unsafe {
            std::env::remove_var("TERM");
            std::env::remove_var("TERM_PROGRAM");
            std::env::remove_var("LC_TERMINAL");
        }
    }
    let _log = obryl::logging::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("obryl: cannot start the async runtime: {e}");
            return ExitCode::from(cli::EXIT_FAILED);
        }
    };
    match cli.command {
        None | Some(Command::Tui) => {
            let launch = obryl::ui::Launch {
                as_email: cli.as_email.clone(),
                tab: cli.tab.clone(),
            };
            match runtime.block_on(obryl::ui::run(launch, config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("obryl: {message}");
                    ExitCode::from(cli::EXIT_FAILED)
                }
            }
        }
        Some(_) => runtime.block_on(cli::run(cli, config)),
    }
}
