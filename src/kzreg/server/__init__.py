"""Process management: `kzreg up` starts every service as one supervised group; `kzreg web` serves HTTP."""
