from exilekg.cli import main

main()
