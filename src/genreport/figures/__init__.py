"""Figure drawing: image grids and figure files, the DDPM's bound terms, quality against compute."""
