"""Spanish for the demo district's groups (groups/demo.py), so /es/ reads in Spanish.

Keys are the English texts the loader writes (names, summaries, longer texts and each goal); demo.load()
fills the `_es` columns from this table. Proper names of networks stay recognisable.
"""

SPANISH = {
    "Educators of Color Network": "Red de Educadores de Color",
    "Conversation and camaraderie for staff who self-identify as people of color.": (
        "Conversación y compañerismo para el personal que se identifica como persona de color."
    ),
    "Educator Ally Group": "Grupo de Educadores Aliados",
    "Best practices, action, and amplifying and supporting racial justice work.": (
        "Buenas prácticas, acción, y amplificar y apoyar el trabajo por la justicia racial."
    ),
    "Supporting LGBTQIA+ Educator Group": "Grupo de Apoyo a Educadores LGBTQIA+",
    "An affinity space for staff who identify on the LGBTQIA+ spectrum.": (
        "Un espacio de afinidad para el personal que se identifica dentro del espectro LGBTQIA+."
    ),
    "African American/Black Belong Group": "Grupo Belong Afroamericano/Negro",
    "Creating our group charter together to inform our goals and group culture.": (
        "Creamos juntos los estatutos del grupo para orientar nuestras metas y nuestra cultura."
    ),
    "Asian Belong Group": "Grupo Belong Asiático",
    "Helping students find their voice and building community with Asian staff and families.": (
        "Ayudamos a los estudiantes a encontrar su voz y creamos comunidad con el personal y las familias asiáticas."
    ),
    "Citizens of the World Belong Group": "Grupo Belong Ciudadanos del Mundo",
    "For staff from multilingual, multiracial or multicultural backgrounds.": (
        "Para el personal de origen multilingüe, multirracial o multicultural."
    ),
    "Deconstructing Privilege Belong Group": "Grupo Belong Desmontar el Privilegio",
    "Understanding whiteness, privilege, racism and oppression, and acting on it.": (
        "Comprender la blanquitud, el privilegio, el racismo y la opresión, y actuar en consecuencia."
    ),
    "Latinx/Hispanic Belong Group": "Grupo Belong Latinx/Hispano",
    "Learners, advocates, influencers and supporters for our team and our students.": (
        "Aprendices, defensores, referentes y apoyo para nuestro equipo y nuestros estudiantes."
    ),
    "LGBTQ+ Belong Group": "Grupo Belong LGBTQ+",
    "Identifying needs of LGBTQIA+ staff and students and advocating for them.": (
        "Identificamos las necesidades del personal y los estudiantes LGBTQIA+ y las defendemos."
    ),
    "The Village Belong Group": "Grupo Belong La Aldea",
    "For those who consistently act in the lives of our African-American/Black students.": (
        "Para quienes acompañan de forma constante la vida de nuestros estudiantes afroamericanos/negros."
    ),
    "Women of Color Belong Group": "Grupo Belong Mujeres de Color",
    "Empowerment, development, collaboration and comradery in a network of professional women.": (
        "Empoderamiento, desarrollo, colaboración y compañerismo en una red de mujeres profesionales."
    ),
    "People with Disabilities Belong Group": "Grupo Belong Personas con Discapacidad",
    "Coming this year: a group for staff with disabilities and their allies.": (
        "Próximamente este año: un grupo para el personal con discapacidad y sus aliados."
    ),
    "Autoimmune Belong Group": "Grupo Belong Enfermedades Autoinmunes",
    "Coming this year: support and community for staff living with autoimmune conditions.": (
        "Próximamente este año: apoyo y comunidad para el personal que vive con enfermedades autoinmunes."
    ),
    "Parents and Caregivers Employee Resource Group": "Grupo de Recursos para Empleados Madres, Padres y Cuidadores",
    "Collegial support and professional development for staff who are parents and caregivers.": (
        "Apoyo entre colegas y desarrollo profesional para el personal que es madre, padre o cuidador."
    ),
    "Veterans Employee Resource Group": "Grupo de Recursos para Empleados Veteranos",
    "Staff who served, supporting each other and recruiting veterans into our schools.": (
        "Personal que sirvió en las fuerzas armadas, que se apoya y atrae a otros veteranos a nuestras escuelas."
    ),
    "Career Skills Panel": "Comité de competencias profesionales",
    "Reviewing how students develop career skills that promote an inclusive school community.": (
        "Revisamos cómo los estudiantes desarrollan competencias profesionales que impulsan una comunidad escolar "
        "inclusiva."
    ),
    "Outreach and Communications Workgroup": "Grupo de Trabajo de Difusión y Comunicación",
    "Making sure every family, student and educator can shape and evaluate equity policy.": (
        "Para que cada familia, estudiante y educador pueda dar forma a la política de equidad y evaluarla."
    ),
    # The Latinx/Hispanic group: the demo teacher's group, in full.
    (
        "We commit to being learners, advocates, influencers, supporters and inspire ourselves, our district "
        "team and our students."
    ): (
        "Nos comprometemos a aprender, defender, influir y apoyar, y a inspirarnos a nosotros mismos, al equipo "
        "del distrito y a nuestros estudiantes."
    ),
    "Do a lot of listening and find the wants of our community": (
        "Escuchar mucho y descubrir lo que desea nuestra comunidad"
    ),
    "Advocate for our students and low-income schools with limited resources": (
        "Defender a nuestros estudiantes y a las escuelas de bajos ingresos con recursos limitados"
    ),
    "Help students build a better understanding of their roots and history": (
        "Ayudar a los estudiantes a comprender mejor sus raíces y su historia"
    ),
    "Provide resources for teachers": "Ofrecer recursos a los docentes",
    "Attend community events and host small community events": (
        "Asistir a eventos comunitarios y organizar pequeños eventos en la comunidad"
    ),
    "Partner with the district parent Latino group": "Colaborar con el grupo latino de familias del distrito",
    "Bring our stories and experiences": "Compartir nuestras historias y experiencias",
    "We meet monthly, decide by consensus and rotate facilitation among members.": (
        "Nos reunimos cada mes, decidimos por consenso y nos turnamos la moderación entre los miembros."
    ),
    # The Asian group.
    (
        "We plan to make the district a better place by helping students find their voice. We would also like "
        "building principals to help us identify Asian teachers and leaders in their buildings so that we can "
        "build a community with them."
    ): (
        "Queremos hacer del distrito un lugar mejor ayudando a los estudiantes a encontrar su voz. También "
        "queremos que los directores nos ayuden a identificar a los docentes y líderes asiáticos de sus escuelas "
        "para crear comunidad con ellos."
    ),
    "Provide translators at events": "Ofrecer intérpretes en los eventos",
    "Hold meetings in the community by frequenting Asian businesses": (
        "Reunirnos en la comunidad, en negocios asiáticos de la zona"
    ),
    "Build a community with Asian teachers and leaders in every building": (
        "Crear comunidad con los docentes y líderes asiáticos de cada escuela"
    ),
    (
        "We feel that the community is bigger than just our schools and we recognize that many of our parents "
        "are business owners."
    ): (
        "Sentimos que la comunidad va más allá de nuestras escuelas y sabemos que muchas de nuestras familias "
        "tienen negocios propios."
    ),
    # The LGBTQ+ group (public schedule).
    (
        "We plan to make the district more inclusive by identifying needs of the LGBTQIA+ staff and students, "
        "advocating for policy change to support these needs, and hosting events for the LGBTQIA+ and the "
        "larger district community to include all voices."
    ): (
        "Queremos un distrito más inclusivo: identificamos las necesidades del personal y los estudiantes "
        "LGBTQIA+, pedimos cambios de normas que las atiendan y organizamos eventos para la comunidad LGBTQIA+ "
        "y para todo el distrito, para que se oigan todas las voces."
    ),
    "Identify the needs of LGBTQIA+ staff and students": (
        "Identificar las necesidades del personal y los estudiantes LGBTQIA+"
    ),
    "Advocate for policy change within the district to support these needs": (
        "Pedir cambios de normas en el distrito que atiendan esas necesidades"
    ),
    "Host events for the LGBTQIA+ and the larger district community": (
        "Organizar eventos para la comunidad LGBTQIA+ y para todo el distrito"
    ),
    "Meeting dates and times can be seen anonymously, without signing in.": (
        "Las fechas y horas de las reuniones se pueden ver de forma anónima, sin iniciar sesión."
    ),
}
