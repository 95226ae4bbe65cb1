"""Spanish for the demo district's DEIB plan (equity_plan/demo.py), so /es/ reads entirely in Spanish.

Keys are the English texts the loader writes; demo.load() fills the `_es` columns from this table.
"""

SPANISH = {
    "DEIB 3-Year Plan": "Plan trienal de DEIB",
    (
        "The district is embarking on a transformative journey to foster a more inclusive, equitable, and diverse "
        "educational environment where everyone belongs. Our officials have outlined a comprehensive three-year "
        "action plan aimed at addressing disparities within our district related to race, gender, sexual "
        "orientation, language, and religion.\n\nThe school board has given its full approval to this "
        "forward-thinking plan, signaling a firm commitment to transforming our district into a model of "
        "inclusivity and respect for all."
    ): (
        "El distrito emprende un camino de transformación para crear un entorno educativo más inclusivo, "
        "equitativo y diverso, donde todas las personas tengan su lugar. Nuestros responsables han trazado un "
        "plan de acción integral de tres años para abordar las desigualdades del distrito relacionadas con la "
        "raza, el género, la orientación sexual, el idioma y la religión.\n\nLa junta escolar aprobó por "
        "completo este plan de futuro, en señal de un compromiso firme de convertir nuestro distrito en un "
        "modelo de inclusión y respeto para todos."
    ),
    (
        "This action plan stems from extensive summer collaboration among teachers and school officials, who "
        "reviewed recommendations from a year-long equity study conducted by a prestigious university. The "
        "study, which included surveys and focus groups with students, educators, and parents, highlighted the "
        "importance of creating welcoming schools, discussing race-related issues openly, auditing programs to "
        "increase access, and developing a system to track discipline referrals more effectively."
    ): (
        "Este plan de acción nace de una amplia colaboración durante el verano entre docentes y responsables "
        "escolares, que revisaron las recomendaciones de un estudio de equidad de un año realizado por una "
        "prestigiosa universidad. El estudio, con encuestas y grupos focales de estudiantes, educadores y "
        "familias, destacó la importancia de crear escuelas acogedoras, hablar abiertamente de los temas "
        "raciales, revisar los programas para ampliar el acceso y crear un sistema para dar un mejor "
        "seguimiento a los reportes disciplinarios."
    ),
    "Laying the Groundwork": "Sentar las bases",
    (
        "The inaugural year focuses on foundational efforts, including the formation of three pivotal panels. "
        "This year is about preparation, gaining essential knowledge, and setting actionable goals that pave the "
        "way for meaningful progress in the subsequent years."
    ): (
        "El primer año se centra en el trabajo de base, incluida la formación de tres comités clave. Es un año "
        "de preparación, de adquirir los conocimientos esenciales y de fijar metas concretas que abran el camino "
        "a un progreso real en los años siguientes."
    ),
    "Data Collection and Program Access": "Recopilación de datos y acceso a los programas",
    (
        "The second year will see the district collecting behavioral data and scrutinizing access to "
        "extracurricular programs. This phase is crucial for identifying barriers to inclusivity and tailoring "
        "our approach to dismantle them, ensuring all students have equal opportunities to participate and excel."
    ): (
        "En el segundo año, el distrito recopilará datos de conducta y examinará el acceso a los programas "
        "extracurriculares. Esta etapa es fundamental para identificar los obstáculos a la inclusión y adaptar "
        "nuestro enfoque para eliminarlos, de modo que todos los estudiantes tengan las mismas oportunidades de "
        "participar y destacar."
    ),
    "Expanding Access and Embracing Restorative Practices": "Ampliar el acceso y adoptar las prácticas restaurativas",
    (
        "Creating processes to widen access to academic programs and extracurricular activities, and "
        "implementing a comprehensive approach to student conduct that emphasizes restorative practices."
    ): (
        "Crear procesos para ampliar el acceso a los programas académicos y a las actividades "
        "extracurriculares, y aplicar un enfoque integral de la conducta estudiantil basado en las prácticas "
        "restaurativas."
    ),
    "Mission Statement Panel": "Comité de la declaración de misión",
    (
        "Tasked with crafting a mission statement that encapsulates our commitment to diversity, equity, "
        "inclusion, and belonging (DEIB)."
    ): (
        "Encargado de redactar una declaración de misión que recoja nuestro compromiso con la diversidad, la "
        "equidad, la inclusión y la pertenencia (DEIB)."
    ),
    "Draft the DEIB mission statement": "Redactar la declaración de misión de DEIB",
    "The panel met four times and agreed the values the statement must name.": (
        "El comité se reunió cuatro veces y acordó los valores que debe nombrar la declaración."
    ),
    "Draft approved by the panel and shared for comment.": (
        "Borrador aprobado por el comité y compartido para recibir opiniones."
    ),
    "Gather comments on the draft from students, staff and families": (
        "Recoger las opiniones de estudiantes, personal y familias sobre el borrador"
    ),
    "Three listening sessions and an online form; comments summarised for the panel.": (
        "Tres sesiones de escucha y un formulario en línea; opiniones resumidas para el comité."
    ),
    "Present the mission statement to the school board": "Presentar la declaración de misión a la junta escolar",
    "Presented at the April board meeting and adopted.": "Presentada en la sesión de abril de la junta y adoptada.",
    "Code of Conduct Panel": "Comité del código de conducta",
    (
        "Dedicated to establishing a code of conduct centered on restorative practices, prioritizing "
        "conversation and understanding over traditional disciplinary measures."
    ): (
        "Dedicado a establecer un código de conducta basado en las prácticas restaurativas, que antepone el "
        "diálogo y la comprensión a las medidas disciplinarias tradicionales."
    ),
    "Review current discipline policies and referral practices": (
        "Revisar las normas disciplinarias actuales y la forma de hacer reportes"
    ),
    "Policy review finished; referral practices differ widely between schools.": (
        "Revisión de normas terminada; la forma de hacer reportes varía mucho de una escuela a otra."
    ),
    "Draft a code of conduct centered on restorative practices": (
        "Redactar un código de conducta basado en las prácticas restaurativas"
    ),
    "First sections drafted with counselors and student representatives.": (
        "Primeras secciones redactadas con consejeros y representantes estudiantiles."
    ),
    "Drafting is behind: the panel asked for more time to include family feedback.": (
        "La redacción va con retraso: el comité pidió más tiempo para incluir las opiniones de las familias."
    ),
    "Career Skills Panel": "Comité de competencias profesionales",
    (
        "Aimed at reviewing opportunities for students to develop career skills that promote an inclusive and "
        "equitable school community."
    ): (
        "Busca revisar las oportunidades para que los estudiantes desarrollen competencias profesionales que "
        "impulsen una comunidad escolar inclusiva y equitativa."
    ),
    "List career-skills opportunities at every school": (
        "Hacer una lista de las oportunidades de competencias profesionales en cada escuela"
    ),
    "Inventory finished for all schools.": "Inventario terminado en todas las escuelas.",
    "Recommend new opportunities for students": "Recomendar nuevas oportunidades para los estudiantes",
    "Recommendations delivered; two carried into Year Three.": ("Recomendaciones entregadas; dos pasan al tercer año."),
    "Collect behavioral data": "Recopilar datos de conducta",
    (
        "Collect behavioral data across the district, including a system to track discipline referrals more "
        "effectively."
    ): (
        "Recopilar datos de conducta en todo el distrito, con un sistema para dar un mejor seguimiento a los "
        "reportes disciplinarios."
    ),
    "Launch a system to track discipline referrals": (
        "Poner en marcha un sistema de seguimiento de reportes disciplinarios"
    ),
    "System chosen; four schools entering referrals.": "Sistema elegido; cuatro escuelas ya registran sus reportes.",
    "All middle and high schools now entering referrals.": (
        "Todas las escuelas secundarias y preparatorias ya registran sus reportes."
    ),
    "Publish the first behavioral data report": "Publicar el primer informe de datos de conducta",
    "Scrutinize access to extracurricular programs": "Examinar el acceso a los programas extracurriculares",
    ("Identify barriers to participation in extracurricular programs and tailor our approach to dismantle them."): (
        "Identificar los obstáculos a la participación en los programas extracurriculares y adaptar nuestro "
        "enfoque para eliminarlos."
    ),
    "Audit participation in extracurricular programs": "Revisar la participación en los programas extracurriculares",
    "Rosters collected from every school; analysis under way.": (
        "Listas recibidas de todas las escuelas; análisis en curso."
    ),
    "Survey students and families about barriers to participation": (
        "Encuestar a estudiantes y familias sobre los obstáculos a la participación"
    ),
    "Translation of the survey is late; launch may slip to spring.": (
        "La traducción de la encuesta va con retraso; el lanzamiento podría pasar a la primavera."
    ),
    "Pilot an activity bus for after-school programs": (
        "Probar un autobús de actividades para los programas después de clases"
    ),
    "Deferred until the participation audit shows where a route is needed.": (
        "Aplazado hasta que la revisión de la participación muestre dónde hace falta una ruta."
    ),
    "Widen access to academic programs and extracurricular activities": (
        "Ampliar el acceso a los programas académicos y a las actividades extracurriculares"
    ),
    (
        "Create processes to widen access to academic programs and extracurricular activities, ensuring every "
        "student benefits from our rich educational offerings."
    ): (
        "Crear procesos para ampliar el acceso a los programas académicos y a las actividades "
        "extracurriculares, para que cada estudiante aproveche nuestra amplia oferta educativa."
    ),
    "Create a process to widen access to advanced academic programs": (
        "Crear un proceso para ampliar el acceso a los programas académicos avanzados"
    ),
    "Create a process to widen access to extracurricular activities": (
        "Crear un proceso para ampliar el acceso a las actividades extracurriculares"
    ),
    "Embrace restorative practices": "Adoptar las prácticas restaurativas",
    (
        "Implement a comprehensive approach to student conduct, emphasizing restorative practices: bringing "
        "together individuals involved in conflicts to discuss the impact of their actions, fostering empathy, "
        "understanding, and personal growth."
    ): (
        "Aplicar un enfoque integral de la conducta estudiantil basado en las prácticas restaurativas: reunir a "
        "las personas involucradas en un conflicto para hablar del efecto de sus actos y fomentar la empatía, "
        "la comprensión y el crecimiento personal."
    ),
    "Adopt the restorative code of conduct": "Adoptar el código de conducta restaurativo",
    "Train staff to lead restorative conversations": "Capacitar al personal para guiar conversaciones restaurativas",
    "Discipline referrals tracked in the new system": "Reportes disciplinarios registrados en el nuevo sistema",
    "Share of students in at least one extracurricular program": (
        "Porcentaje de estudiantes en al menos un programa extracurricular"
    ),
    "Discipline referrals per 100 students": "Reportes disciplinarios por cada 100 estudiantes",
    "referrals": "reportes",
}
