from holp.cli import main

main()
